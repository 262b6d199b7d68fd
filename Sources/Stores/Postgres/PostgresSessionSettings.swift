import Logging
import PostgresNIO
import Synchronization

/// The session settings budgeted reads leave on their connections.
///
/// A budgeted read runs with `statement_timeout` at most the time its budget has left and without
/// parallel workers. Set in a transaction of its own (`BEGIN`, `set_config(..., true)`, the statement,
/// `COMMIT`), that is three round trips more for every read: a fifth of a 100-record page's time end
/// to end. Set for the session, it costs one only when the connection does not have it yet; the
/// timeout is rounded down to a quarter second, so reads of the same budget share it. A read with less
/// than a second left sets them for its own transaction instead, so no session keeps a timeout short
/// enough to stop a settings statement. Every other statement runs with the session's defaults,
/// restored first on a connection a budgeted read left its settings on.
enum PostgresSessionSettings {
    /// What this process last set on one connection.
    private struct Entry {
        /// The connection; nil once freed, when another may have taken its address.
        weak var connection: PostgresConnection?
        /// Its server process, for `pg_cancel_backend`.
        var backendPID: Int32
        /// The session's own `statement_timeout` and `max_parallel_workers_per_gather`, as they were
        /// before the first budgeted read.
        var defaults: (statementTimeout: String, parallelWorkers: String)
        /// The session's `statement_timeout` in milliseconds, nil when the defaults are back.
        var statementTimeout: Int64?
    }

    /// Connections this process changed a setting of, by object identity.
    private static let entries = Mutex<[ObjectIdentifier: Entry]>([:])
    /// Past this many entries, those of freed connections are dropped.
    private static let pruningThreshold = 256

    /// The least time left, in milliseconds, that a read's session gets as its timeout; a read with
    /// less left sets both settings for its own transaction (``budgetTransaction(_:milliseconds:logger:)``).
    static let shortestSessionTimeout: Int64 = 1000

    /// The `statement_timeout` a read with `remaining` milliseconds left (at least
    /// ``shortestSessionTimeout``) gives its session: rounded down to a quarter second.
    static func statementTimeout(remaining: Int64) -> Int64 {
        remaining - remaining % 250
    }

    /// Sets both settings for the transaction `connection` is in: `statement_timeout` to `milliseconds`
    /// and no parallel workers. Returns the connection's backend process ID.
    static func budgetTransaction(
        _ connection: PostgresConnection, milliseconds: Int64, logger: Logger
    ) async throws -> Int32 {
        let row = try await connection.send(
            """
            SELECT pg_backend_pid(), set_config('statement_timeout', \(String(milliseconds)), true),
                   set_config('max_parallel_workers_per_gather', '0', true)
            """, logger: logger
        ).first
        guard let (pid, _, _) = try row?.decode((Int32, String, String).self) else {
            throw StoreError(.unavailable, "the database did not answer a settings statement")
        }
        return pid
    }

    /// Gives `connection`'s session a `statement_timeout` of `milliseconds` and no parallel workers,
    /// unless it has them already; returns the connection's backend process ID.
    static func budget(
        _ connection: PostgresConnection, milliseconds: Int64, logger: Logger
    ) async throws -> Int32 {
        let known = entry(of: connection)
        if let known, known.statementTimeout == milliseconds { return known.backendPID }
        // The subquery, kept apart by OFFSET 0, reads the settings before they change; they are the
        // defaults unless an earlier budgeted read changed them.
        let row = try await connection.send(
            """
            SELECT pg_backend_pid(), previous.timeout, previous.workers,
                   set_config('statement_timeout', \(String(milliseconds)), false),
                   set_config('max_parallel_workers_per_gather', '0', false)
            FROM (
                SELECT current_setting('statement_timeout') AS timeout,
                       current_setting('max_parallel_workers_per_gather') AS workers OFFSET 0
            ) AS previous
            """, logger: logger
        ).first
        guard let (pid, timeout, workers, _, _) = try row?.decode((Int32, String, String, String, String).self)
        else { throw StoreError(.unavailable, "the database did not answer a settings statement") }
        let defaults = known?.defaults ?? (timeout, workers)
        record(
            Entry(connection: connection, backendPID: pid, defaults: defaults, statementTimeout: milliseconds),
            for: connection)
        return pid
    }

    /// Restores the session defaults of both settings on `connection` when a budgeted read changed them.
    static func restoreDefaults(_ connection: PostgresConnection, logger: Logger) async throws {
        guard var entry = entry(of: connection), entry.statementTimeout != nil else { return }
        try await connection.send(
            """
            SELECT set_config('statement_timeout', \(entry.defaults.statementTimeout), false),
                   set_config('max_parallel_workers_per_gather', \(entry.defaults.parallelWorkers), false)
            """, logger: logger)
        entry.statementTimeout = nil
        record(entry, for: connection)
    }

    private static func entry(of connection: PostgresConnection) -> Entry? {
        entries.withLock { entries in
            guard let entry = entries[ObjectIdentifier(connection)] else { return nil }
            return entry.connection === connection ? entry : nil
        }
    }

    private static func record(_ entry: Entry, for connection: PostgresConnection) {
        entries.withLock { entries in
            entries[ObjectIdentifier(connection)] = entry
            if entries.count > pruningThreshold { entries = entries.filter { $0.value.connection != nil } }
        }
    }
}
