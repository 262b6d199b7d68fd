import LogModel
import LogQuery

/// How far an upload got, in SQL that PostgreSQL and SQLite share: the highest `upload.line` among
/// the records of one `upload.id` (the attributes index finds them on PostgreSQL).
enum SQLUploadProgress<Dialect: SQLDialect> {
    /// The statement and the values it binds.
    static func statement(tenant: String, uploadID: String) -> (sql: String, values: [SQLValue]) {
        var builder = SQLBuilder<Dialect>()
        let condition = builder.searchCondition(
            SearchRequest(tenant: tenant, query: .predicate(.attributeEquals(key: "upload.id", value: uploadID))))
        let line = Dialect.integerAttribute(key: "upload.line", &builder)
        return ("SELECT CAST(max(\(line)) AS BIGINT) FROM logs WHERE \(condition)", builder.values)
    }

    /// The line from the statement's rows; 0 when the upload has no records.
    static func line(from rows: [[SQLValue?]]) -> Int {
        Int(rows.first?.optionalInteger(0) ?? 0)
    }
}
