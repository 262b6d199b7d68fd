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
