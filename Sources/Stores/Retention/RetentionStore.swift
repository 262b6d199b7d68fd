public import LogModel

/// Removing records past their tenant's retention, for the retention job.
///
/// Implemented by ``PostgresLogStore`` (which drops whole daily partitions, then deletes the rest in
/// batches) and ``SQLiteLogStore`` (batches only). Deletes keep every derived structure exact: the
/// message indexes, and PostgreSQL's rollups, which a dropped partition's counts leave too.
public protocol RetentionStore: Sendable {
    /// Removes, for every tenant at once, whole units of storage that hold only records timestamped
    /// before `cutoff` (PostgreSQL's daily partitions); stores without such units remove nothing.
    func dropStorage(before cutoff: Timestamp) async throws -> RemovedRecords

    /// Deletes at most `limit` of the tenant's records timestamped before `cutoff`, oldest first.
    func deleteRecords(tenant: String, before cutoff: Timestamp, limit: Int) async throws -> RemovedRecords
}

/// What a removal took away: records, and bytes of storage as the database counts them (a dropped
/// partition's size with its indexes; a deleted row's stored size on PostgreSQL, the length of its
/// values on SQLite).
public struct RemovedRecords: Sendable, Hashable {
    /// Records removed.
    public var records: Int
    /// Bytes removed.
    public var bytes: Int

    /// Creates a tally.
    public init(records: Int = 0, bytes: Int = 0) {
        self.records = records
        self.bytes = bytes
    }

    /// Adds another removal to this one.
    public static func += (lhs: inout RemovedRecords, rhs: RemovedRecords) {
        lhs.records += rhs.records
        lhs.bytes += rhs.bytes
    }
}
