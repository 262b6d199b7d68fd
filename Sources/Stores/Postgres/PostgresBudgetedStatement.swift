import Foundation
import PostgresNIO

extension PostgresLogStore {
    /// SQLSTATE of a statement stopped by `statement_timeout` or a cancel request.
    static let queryCanceled = "57014"

    /// Runs one read statement within `budget`: in a transaction whose `statement_timeout` is the
    /// time left, and, when the budget's request is cancelled while it runs, stopped by
    /// `pg_cancel_backend` from another connection (matched on the backend's transaction start, so
    /// a cancel that arrives late stops nothing else). Throws ``StoreError`` with code
    /// ``StoreError/Code/budgetExhausted`` when either stopped it.
    ///
    /// The statement runs without parallel workers: cancelling a statement whose workers were running
    /// sometimes cost the connection (3 of 22 endpoint reads at 10M rows, then hung for the reason
    /// `PostgresStatements.swift` describes; none of 25 without workers).
    func budgetedRows(_ sql: String, _ values: [SQLValue], within budget: QueryBudget) async throws -> [[SQLValue?]] {
        let milliseconds = Int64(budget.remaining / .milliseconds(1))
        guard milliseconds >= 1, !budget.cancellation.isCancelled else { throw QueryBudget.exhausted() }
        let rows = try await client.transaction(logger: logger) { connection -> [[SQLValue?]]? in
            let session = try await connection.statement(
                """
                SELECT pg_backend_pid(), (extract(epoch FROM now()) * 1000000)::int8,
                       set_config('statement_timeout', \(String(milliseconds)), true),
                       set_config('max_parallel_workers_per_gather', '0', true)
                """,
                logger: logger
            ).first?.decode((Int32, Int64, String, String).self)
            let cancel: @Sendable () -> Void = { [client, logger] in
                guard let (pid, started, _, _) = session else { return }
                Task {
                    try? await client.statement(
                        """
                        SELECT pg_cancel_backend(pid) FROM pg_stat_activity
                        WHERE pid = \(pid) AND xact_start = timestamptz 'epoch' + \(started) * interval '1 microsecond'
                        """, logger: logger)
                }
            }
            return try await budget.cancellation.whileRunning(onCancel: cancel) {
                do {
                    return try await Self.rows(
                        connection.statement(
                            PostgresQuery(unsafeSQL: sql, binds: Self.bindings(values)), logger: logger))
                } catch let error as PSQLError where error.serverInfo?[.sqlState] == Self.queryCanceled {
                    return nil
                }
            }
        }
        guard let rows else { throw QueryBudget.exhausted() }
        return rows
    }
}
