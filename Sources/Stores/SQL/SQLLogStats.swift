import LogModel

/// Counting log records by level and service, in SQL that PostgreSQL and SQLite share: one
/// grouped count over the search condition, folded into totals.
struct SQLLogStats<Database: SQLDatabase> {
    let database: Database

    func stats(_ request: SearchRequest) async throws -> LogStats {
        let (statement, values) = Self.statement(request)
        return try Self.fold(try await database.execute(statement, values))
    }

    /// The grouped count for a request (its cursor ignored), and the values it binds.
    static func statement(_ request: SearchRequest) -> (sql: String, values: [SQLValue]) {
        var unbounded = request
        unbounded.cursor = nil
        var sql = SQLBuilder<Database.Dialect>()
        let statement = """
            SELECT level, service, COUNT(*) FROM logs WHERE \(sql.searchCondition(unbounded)) GROUP BY level, service
            """
        return (statement, sql.values)
    }

    /// Totals from rows of level, service (or NULL) and count.
    static func fold(_ rows: [[SQLValue?]]) throws -> LogStats {
        var stats = LogStats.none
        for row in rows {
            stats.add(Int(try row.integer(2)), level: try row.level(0), service: row[1]?.text)
        }
        return stats
    }
}
