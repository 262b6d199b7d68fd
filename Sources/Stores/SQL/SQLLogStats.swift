import LogModel

/// Counting log records by level and service, in SQL that PostgreSQL and SQLite share: one
/// grouped count over the search condition, folded into totals.
enum SQLLogStats<Database: SQLDatabase> {
    /// The grouped count for a request (its cursor ignored), and the values it binds.
    static func statement(_ request: SearchRequest) -> (sql: String, values: [SQLValue]) {
        var sql = SQLBuilder<Database.Dialect>()
        let statement = select(request, &sql)
        return (statement, sql.values)
    }

    /// The grouped count for a request (its cursor ignored), its values bound in `sql`: rows of
    /// level, service and count, the count negative when `negated`.
    static func select(
        _ request: SearchRequest, negated: Bool = false, _ sql: inout SQLBuilder<Database.Dialect>
    ) -> String {
        var unbounded = request
        unbounded.cursor = nil
        return """
            SELECT level, service, \(negated ? "-" : "")COUNT(*) FROM logs WHERE \(sql.searchCondition(unbounded)) \
            GROUP BY level, service
            """
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
