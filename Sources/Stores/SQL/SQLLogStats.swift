import LogModel

/// Counting log records by level and service, in SQL that PostgreSQL and SQLite share: one
/// grouped count over the search condition, folded into totals.
struct SQLLogStats<Database: SQLDatabase> {
    let database: Database

    func stats(_ request: SearchRequest) async throws -> LogStats {
        var unbounded = request
        unbounded.cursor = nil
        var sql = SQLBuilder<Database.Dialect>()
        let statement = """
            SELECT level, service, COUNT(*) FROM logs WHERE \(sql.searchCondition(unbounded)) GROUP BY level, service
            """
        var stats = LogStats(total: 0, byLevel: [:], byService: [:])
        for row in try await database.execute(statement, sql.values) {
            guard let level = LogLevel(rawValue: try row.text(0)) else {
                throw StoreError(.corruptRow, "unknown level in a stored row")
            }
            let count = Int(try row.integer(2))
            stats.total += count
            stats.byLevel[level, default: 0] += count
            if let service = row[1]?.text { stats.byService[service, default: 0] += count }
        }
        return stats
    }
}
