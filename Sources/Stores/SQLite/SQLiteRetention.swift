public import LogModel

extension SQLiteLogStore: RetentionStore {
    /// Removes no records: the SQLite log table is one table, whose old rows
    /// ``deleteRecords(tenant:before:limit:)`` deletes. Forgets the attribute keys of the days before
    /// the cutoff's.
    public func dropStorage(before cutoff: Timestamp) async throws -> RemovedRecords {
        try await SQLAttributeKeys<SQLiteDialect>.forget(before: cutoff.utcDay, run: execute)
        return RemovedRecords()
    }

    /// Deletes at most `limit` of the tenant's records before `cutoff`, oldest first, on the writer
    /// connection, so a batch holds the write lock only as long as ingest's batches do.
    public func deleteRecords(tenant: String, before cutoff: Timestamp, limit: Int) async throws -> RemovedRecords {
        try await SQLLogDeletes(database: self).delete(tenant: tenant, before: cutoff, limit: limit)
    }
}

extension SQLiteLogStore: JobElection {
    /// Runs `body` unless a run of `job` is under way in this process, which owns the database.
    public func runExclusively<Result: Sendable>(
        _ job: String, _ body: @Sendable () async throws -> Result
    ) async throws -> Result? {
        try await jobs.runExclusively(job, body)
    }
}
