import Foundation
import PostgresNIO
import Synchronization

extension PostgresLogStore {
    /// SQLSTATE of a statement stopped by `statement_timeout` or a cancel request.
    static let queryCanceled = "57014"

    /// Numbers the marks of budgeted reads.
    private static let budgetedReads = Atomic<Int64>(0)

    /// Runs one read statement within `budget`: on a session whose `statement_timeout` is at most the
    /// time left and which runs it without parallel workers (``PostgresSessionSettings``); with less
    /// than ``PostgresSessionSettings/shortestSessionTimeout`` left, in a transaction with both set
    /// for it alone, so that no connection keeps a timeout short enough to stop the next statement that
    /// sets its own. When the budget's request is cancelled while the read runs, it is stopped by
    /// `pg_cancel_backend` from another connection, matched on the backend and on a mark unique to this
    /// statement at the start of its text, so a cancel that arrives late stops nothing else. Throws
    /// ``StoreError`` with code ``StoreError/Code/budgetExhausted`` when either stopped it.
    ///
    /// The statement runs without parallel workers: cancelling a statement whose workers were running
    /// sometimes cost the connection (3 of 22 endpoint reads at 10M rows, then hung for the reason
    /// `PostgresStatements.swift` describes; none of 25 without workers).
    func budgetedRows(_ sql: String, _ values: [SQLValue], within budget: QueryBudget) async throws -> [[SQLValue?]] {
        guard !budget.isExhausted else { throw QueryBudget.exhausted() }
        let mark = "/* budgeted read \(Self.budgetedReads.add(1, ordering: .relaxed).newValue) */"
        let query = PostgresQuery(unsafeSQL: mark + " " + sql, binds: Self.bindings(values))
        let read = { [client, logger] (connection: PostgresConnection, pid: Int32) -> [[SQLValue?]]? in
            let cancel: @Sendable () -> Void = {
                Task {
                    try? await client.statement(
                        """
                        SELECT pg_cancel_backend(pid) FROM pg_stat_activity
                        WHERE pid = \(pid) AND state = 'active' AND starts_with(query, \(mark))
                        """, logger: logger)
                }
            }
            return try await budget.cancellation.whileRunning(onCancel: cancel) {
                do {
                    return try Self.rows(try await connection.send(query, logger: logger))
                } catch let error as PSQLError where error.serverInfo?[.sqlState] == Self.queryCanceled {
                    return nil
                }
            }
        }
        let rows = try await client.withConnection { connection -> [[SQLValue?]]? in
            let remaining = Int64(budget.remaining / .milliseconds(1))
            guard remaining >= 1 else { return nil }
            guard remaining >= PostgresSessionSettings.shortestSessionTimeout else {
                return try await connection.transaction(logger: logger) { connection in
                    try await read(
                        connection,
                        PostgresSessionSettings.budgetTransaction(connection, milliseconds: remaining, logger: logger))
                }
            }
            let pid = try await PostgresSessionSettings.budget(
                connection, milliseconds: PostgresSessionSettings.statementTimeout(remaining: remaining),
                logger: logger)
            return try await read(connection, pid)
        }
        guard let rows else { throw QueryBudget.exhausted() }
        return rows
    }
}
