public import Logging
import PostgresNIO
import SQLiteNIO

extension StoreError {
    /// The code for a failure of the database library: ``Code/storageFull`` when the disk is full
    /// (SQLite's `SQLITE_FULL`, PostgreSQL's SQLSTATE 53100), else ``Code/unavailable``.
    static func code(for error: any Error) -> Code {
        switch error {
        case let error as SQLiteError where error.reason == .full: .storageFull
        case let error as PSQLError where error.serverInfo?[.sqlState] == "53100": .storageFull
        default: .unavailable
        }
    }

    /// What the database said when it refused a statement: PostgreSQL's SQLSTATE and primary message
    /// (or postgres-nio's error code, such as a lost connection, when the server said nothing), or
    /// SQLite's result code and message; nil for any other failure. It names no bound value and no
    /// SQL text, so it may be logged.
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

extension Logger.Metadata {
    /// What may be logged of a failure: a ``StoreError``'s code, message and ``StoreError/databaseReason``;
    /// of any other error, its type only (its text may hold values a client sent).
    public static func describing(_ error: any Error) -> Logger.Metadata {
        guard let error = error as? StoreError else { return ["error.type": "\(type(of: error))"] }
        var metadata: Logger.Metadata = ["error.type": "\(error.code)", "error.message": "\(error)"]
        if let reason = error.databaseReason { metadata["db.response.reason"] = "\(reason)" }
        return metadata
    }
}
