import LogModel

/// Deleting log records, in SQL that PostgreSQL and SQLite share.
struct SQLLogDeletes<Database: SQLDatabase> {
    let database: Database

    func delete(tenant: String, id: String) async throws -> Bool {
        var sql = SQLBuilder<Database.Dialect>()
        let statement = """
            DELETE FROM logs WHERE tenant = \(sql.bind(tenant)) AND id = \(Database.Dialect.id(fromText: sql.bind(id)))
            RETURNING 1
            """
        return try await !database.execute(statement, sql.values).isEmpty
    }

    func delete(matching request: SearchRequest) async throws -> Int {
        var unbounded = request
        unbounded.cursor = nil
        var sql = SQLBuilder<Database.Dialect>()
        let statement = "DELETE FROM logs WHERE \(sql.searchCondition(unbounded)) RETURNING 1"
        return try await database.execute(statement, sql.values).count
    }
}

extension SQLLogDeletes {
    /// Deletes at most `limit` of the tenant's records before `cutoff`, oldest first, and tells how
    /// many and how large they were.
    func delete(tenant: String, before cutoff: Timestamp, limit: Int) async throws -> RemovedRecords {
        var sql = SQLBuilder<Database.Dialect>()
        let tenantParameter = sql.bind(tenant)
        let cutoffParameter = Database.Dialect.timestamp(fromMicroseconds: sql.bind(.integer(cutoff.microseconds)))
        let statement = """
            DELETE FROM logs WHERE tenant = \(tenantParameter) AND ts < \(cutoffParameter) AND id IN (
                SELECT id FROM logs WHERE tenant = \(tenantParameter) AND ts < \(cutoffParameter)
                ORDER BY ts LIMIT \(sql.bind(.integer(Int64(limit)))))
            RETURNING \(Database.Dialect.storedRowBytes)
            """
        let rows = try await database.execute(statement, sql.values)
        return RemovedRecords(records: rows.count, bytes: rows.reduce(0) { $0 + Int($1.first??.integer ?? 0) })
    }
}
