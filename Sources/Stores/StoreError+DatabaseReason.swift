import PostgresNIO
import SQLiteNIO

extension StoreError {
    /// What the database said when it refused a statement: PostgreSQL's SQLSTATE and primary message,
    /// or SQLite's result code and message; nil when the failure came from elsewhere (a lost
    /// connection, a pool timeout). It names no bound value and no SQL text, so it may be logged.
    public var databaseReason: String? {
        switch underlying {
        case let error as PSQLError:
            guard let info = error.serverInfo else { return "\(error.code)" }
            return "SQLSTATE \(info[.sqlState] ?? "?"): \(info[.message] ?? "no message")"
        case let error as SQLiteError:
            return error.description
        default:
            return nil
        }
    }
}
