public import LogModel
import Logging
import PostgresNIO

extension PostgresLogStore: RetentionStore {
    /// Drops every partition of the log table whose range ends at or before `cutoff`, one at a time,
    /// each in a transaction that also removes its minutes from `log_counts`, its hours from
    /// `log_counts_hourly` and `endpoint_latency`, its slots from `pattern_counts` (a dropped table
    /// fires no delete trigger) and its days from the word dictionary.
    /// Dropping a partition locks the log table as creating one does; the lock is
    /// awaited for at most ``dropLockTimeout``, after which the partition waits for the next run.
    /// Forgets the attribute keys of the days before the cutoff's.
    public func dropStorage(before cutoff: Timestamp) async throws -> RemovedRecords {
        try await SQLAttributeKeys<PostgresDialect>.forget(before: cutoff.utcDay, run: execute)
        return try await withStoreErrors("dropping partitions failed") {
            let rows = try await execute(
                "SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                    + "WHERE i.inhparent = 'logs'::regclass", [])
            let expired = rows.compactMap { row -> (name: String, range: Range<Timestamp>)? in
                guard case .text(let name) = row.first, let range = PostgresPartitions.range(ofPartitionNamed: name),
                    range.upperBound <= cutoff
                else { return nil }
                return (name, range)
            }
            var removed = RemovedRecords()
            for partition in expired.sorted(by: { $0.range.lowerBound < $1.range.lowerBound }) {
                do {
                    removed += try await drop(partition.name, covering: partition.range)
                } catch let error as PSQLError where error.serverInfo?[.sqlState] == Self.lockNotAvailable {
                    continue
                }
            }
            partitions.forgetDays(before: cutoff)
            if !expired.isEmpty { try await loadMonthlyPartitions() }
            return removed
        }
    }

    /// How long dropping a partition waits for the lock on the log table.
    static let dropLockTimeout = "2s"
    /// SQLSTATE of a lock not had within `lock_timeout`.
    private static let lockNotAvailable = "55P03"

    private func drop(_ name: String, covering range: Range<Timestamp>) async throws -> RemovedRecords {
        // The name was read from the catalogue and matched our partition naming pattern exactly, so it
        // is an identifier of letters, digits and underscores.
        let table = PostgresQuery(
            unsafeSQL: "SELECT count(*)::int8, pg_total_relation_size('\(name)'::regclass)::int8 FROM \(name)")
        let minutes = (range.lowerBound.microseconds / 60_000_000, range.upperBound.microseconds / 60_000_000)
        return try await client.transaction(logger: logger) { connection in
            try await connection.statement(
                PostgresQuery(unsafeSQL: "SET LOCAL lock_timeout = '\(Self.dropLockTimeout)'"), logger: logger)
            var removed = RemovedRecords()
            for row in try await connection.statement(table, logger: logger) {
                let (records, bytes) = try row.decode((Int64, Int64).self)
                removed = RemovedRecords(records: Int(records), bytes: Int(bytes))
            }
            try await connection.statement(
                "DELETE FROM log_counts WHERE minute >= \(minutes.0) AND minute < \(minutes.1)", logger: logger)
            try await connection.statement(
                "DELETE FROM log_counts_hourly WHERE hour >= \(minutes.0 / 60) AND hour < \(minutes.1 / 60)",
                logger: logger)
            try await connection.statement(
                "DELETE FROM endpoint_latency WHERE hour >= \(minutes.0 / 60) AND hour < \(minutes.1 / 60)",
                logger: logger)
            try await connection.statement(
                "DELETE FROM pattern_counts WHERE slot >= \(minutes.0 / 10) AND slot < \(minutes.1 / 10)",
                logger: logger)
            try await connection.statement(
                "DELETE FROM log_words WHERE day >= \(minutes.0 / 1_440) AND day < \(minutes.1 / 1_440)",
                logger: logger)
            try await connection.statement(PostgresQuery(unsafeSQL: "DROP TABLE \(name)"), logger: logger)
            return removed
        }
    }

    /// Deletes at most `limit` of the tenant's records before `cutoff`, oldest first.
    public func deleteRecords(tenant: String, before cutoff: Timestamp, limit: Int) async throws -> RemovedRecords {
        try await SQLLogDeletes(database: self).delete(tenant: tenant, before: cutoff, limit: limit)
    }
}

extension PostgresLogStore: JobElection {
    /// Runs `body` while holding the session advisory lock of the job's name on one pooled
    /// connection; nil when another session holds it. A lost connection releases the lock.
    public func runExclusively<Result: Sendable>(
        _ job: String, _ body: @Sendable () async throws -> Result
    ) async throws -> Result? {
        let key = Self.advisoryLockKey(job)
        return try await client.withConnection { connection -> Result? in
            let locked = try await withStoreErrors("claiming a job failed") {
                try await connection.statement("SELECT pg_try_advisory_lock(\(key))", logger: logger).first?.decode(
                    Bool.self) ?? false
            }
            guard locked else { return nil }
            let unlock = { _ = try? await connection.statement("SELECT pg_advisory_unlock(\(key))", logger: logger) }
            do {
                let result = try await body()
                await unlock()
                return result
            } catch {
                await unlock()
                throw error
            }
        }
    }

    /// The advisory lock key of a job: the 64-bit FNV-1a hash of its name, the same in every process.
    static func advisoryLockKey(_ job: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in job.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }
}
