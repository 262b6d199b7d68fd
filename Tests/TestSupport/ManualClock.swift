import Synchronization

/// A clock that moves only when a test advances it, so time-based behaviour is tested without sleeping.
public final class ManualClock: Clock, Sendable {
    /// A point on the manual clock: the time advanced since it was created.
    public struct Instant: InstantProtocol {
        var offset: Duration

        /// The instant `duration` later.
        public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        /// The time from this instant to another.
        public func duration(to other: Instant) -> Duration { other.offset - offset }
        /// Orders instants.
        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private let current = Mutex(Instant(offset: .zero))

    /// Creates a clock at time zero.
    public init() {}

    /// The current instant; it changes only through ``advance(by:)``.
    public var now: Instant { current.withLock { $0 } }
    /// One nanosecond.
    public var minimumResolution: Duration { .nanoseconds(1) }

    /// Moves time forward.
    public func advance(by duration: Duration) {
        current.withLock { $0 = $0.advanced(by: duration) }
    }

    /// Returns once the clock has been advanced to the deadline.
    public func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        while now < deadline {
            try await Task.sleep(for: .milliseconds(1))
        }
    }
}
