import LogModel

/// A database that runs one SQL statement with bound values and returns its rows as plain values:
/// the common ground on which SQL shared by PostgreSQL and SQLite is written once.
protocol SQLDatabase: Sendable {
    /// The SQL flavour of the database.
    associatedtype Dialect: SQLDialect

    /// Runs a statement; each row is its columns in order, nil for NULL.
    func execute(_ sql: String, _ values: [SQLValue]) async throws -> [[SQLValue?]]

    /// Runs a short statement that changes nothing (a credential lookup), on a connection that waits
    /// neither behind writes nor behind long reads; it sees every change that ``execute(_:_:)``
    /// committed before it was called.
    func read(_ sql: String, _ values: [SQLValue]) async throws -> [[SQLValue?]]

    /// Tells every listener of `channel` on this database that something changed; called after the
    /// change committed.
    func notify(_ channel: String) async throws

    /// Reports `.listening` once notifications of `channel` are heard, then each as it arrives, until
    /// the task is cancelled; throws when they can no longer be heard (a lost connection).
    func listen(_ channel: String, _ event: @escaping @Sendable (DatabaseNotification) -> Void) async throws
}

/// What listening to a database's notifications reports (see ``SQLDatabase/listen(_:_:)``).
enum DatabaseNotification: Sendable, Hashable {
    /// Notifications are heard from now on.
    case listening
    /// A notification with its payload.
    case received(String)
}

/// Runs one statement on a connection a store chose; each row is its columns in order, nil for NULL.
typealias StatementRunner = (String, [SQLValue]) async throws -> [[SQLValue?]]

extension SQLValue {
    /// The text, when the value is text.
    var text: String? {
        if case .text(let value) = self { return value }
        return nil
    }

    /// The integer, when the value is an integer.
    var integer: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }
}

extension [SQLValue?] {
    /// The text in column `index`; throws when it is missing or not text.
    func text(_ index: Int) throws -> String {
        guard let value = self[index]?.text else { throw StoreError(.corruptRow, "expected text in a stored row") }
        return value
    }

    /// The integer in column `index`, or nil for NULL.
    func optionalInteger(_ index: Int) -> Int64? { self[index]?.integer }

    /// The integer in column `index`; throws when it is missing.
    func integer(_ index: Int) throws -> Int64 {
        guard let value = self[index]?.integer else {
            throw StoreError(.corruptRow, "expected an integer in a stored row")
        }
        return value
    }

    /// The log level in column `index`; throws when it is missing or not a known level.
    func level(_ index: Int) throws -> LogLevel {
        guard let level = LogLevel(rawValue: try text(index)) else {
            throw StoreError(.corruptRow, "stored level is not a known level")
        }
        return level
    }
}
