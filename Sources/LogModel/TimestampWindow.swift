/// The event times ingest accepts, relative to the moment of receipt: no older than the retention, and no further ahead than a few minutes of clock skew. Anything outside would either
/// be deleted at once or be a date no sender means, and on PostgreSQL each new day costs a partition.
public struct TimestampWindow: Sendable, Hashable {
    /// How far before receipt a timestamp may lie, in microseconds.
    public var maxAgeMicroseconds: Int64
    /// How far after receipt a timestamp may lie, in microseconds.
    public var maxAheadMicroseconds: Int64

    /// Creates a window of `retentionDays` back and `aheadSeconds` forward.
    public init(retentionDays: Int, aheadSeconds: Int) {
        maxAgeMicroseconds = Int64(retentionDays) * 86_400_000_000
        maxAheadMicroseconds = Int64(aheadSeconds) * 1_000_000
    }

    /// Why `timestamp` is outside the window at `receivedAt`, or nil when it is inside.
    public func rejection(of timestamp: Timestamp, receivedAt: Timestamp) -> RecordDecoder.Rejection.Code? {
        if timestamp.microseconds < receivedAt.microseconds - maxAgeMicroseconds { return .tooOld }
        if timestamp.microseconds > receivedAt.microseconds + maxAheadMicroseconds { return .tooFarInFuture }
        return nil
    }

    /// A window that accepts the years 0001 to 9999: for tests and tools that replay old data.
    public static let unbounded = TimestampWindow(retentionDays: 3_652_059, aheadSeconds: 315_537_897_599)
}
