import Logging
import PostgresNIO
import TestSupport
import Testing

@testable import Stores

/// Budgeted reads set `statement_timeout` and `max_parallel_workers_per_gather` for their session
/// (``PostgresSessionSettings``): every read gets its own budget's timeout, and no statement without a
/// budget inherits either setting.
@Suite("PostgreSQL session settings")
struct PostgresSessionSettingsTests {
    /// Each connection of the reads pool reports its settings: the statement holds its connection for
    /// 50 ms, so `reads` of them at once take every connection of the pool.
    private static func settings(_ store: PostgresLogStore, reads: Int, budget: Duration?) async throws -> [[String]] {
        let sql = """
            SELECT current_setting('statement_timeout'), current_setting('max_parallel_workers_per_gather')
            FROM pg_sleep(0.05)
            """
        return try await withThrowingTaskGroup { group in
            for _ in 0..<reads {
                group.addTask {
                    let rows =
                        if let budget {
                            try await QueryBudget(budget).apply { try await store.read(sql, []) }
                        } else {
                            try await store.read(sql, [])
                        }
                    return rows.map { row in row.map { cell in if case .text(let text) = cell { text } else { "" } } }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
    }

    /// A `statement_timeout` as PostgreSQL shows it (`750ms`, `59s`, `1min`) in milliseconds.
    private static func milliseconds(_ setting: String) -> Int? {
        for (unit, factor) in [("ms", 1), ("s", 1000), ("min", 60_000)] where setting.hasSuffix(unit) {
            return Int(setting.dropLast(unit.count)).map { $0 * factor }
        }
        return nil
    }

    @Test("PostgreSQL: each budgeted read runs under its own budget's timeout, and other statements under the defaults")
    func postgres_settingsStayWithBudgetedReads() async throws {
        try await withFreshPostgresDatabase { url in
            let logger = Logger(label: "test")
            let setup = PostgresClient(configuration: try .init(url: url), backgroundLogger: logger)
            try await whileRunning("a PostgreSQL client", { await setup.run() }) {
                _ = try await setup.query(
                    """
                    DO $$ BEGIN
                        EXECUTE format('ALTER DATABASE %I SET statement_timeout = %L', current_database(), '7s');
                    END $$
                    """, logger: logger)
            }
            var configuration = try PostgresClient.Configuration(url: url)
            configuration.options.maximumConnections = PostgresPoolSizes.minimumTotal
            let store = PostgresLogStore(configuration: configuration, logger: logger)
            let reads = PostgresPoolSizes(total: PostgresPoolSizes.minimumTotal).reads
            try await running(store) {
                let defaults = try await Self.settings(store, reads: reads, budget: nil)
                #expect(Set(defaults).count == 1)
                #expect(defaults.first?.first == "7s")
                // Budgets of a second or more: the session's; less: the transaction's.
                for (budget, timeouts) in [
                    (Duration.seconds(60), 58_000..<60_000), (.milliseconds(800), 1..<801),
                    (.seconds(3), 1_000..<3_000),
                    (.seconds(60), 58_000..<60_000),
                ] {
                    for row in try await Self.settings(store, reads: reads, budget: budget) {
                        let milliseconds = try #require(Self.milliseconds(row[0]), "\(row[0])")
                        #expect(timeouts.contains(milliseconds), "\(budget): \(row[0])")
                        #expect(budget < .seconds(1) || milliseconds % 250 == 0, "\(budget): \(row[0])")
                        #expect(row[1] == "0")
                    }
                    #expect(try await Self.settings(store, reads: reads, budget: nil) == defaults, "after \(budget)")
                }
                #expect(try await Self.settings(store, reads: reads, budget: nil) == defaults)
            }
        }
    }

    @Test(
        "a session's timeout is what its read's budget has left, rounded down to a quarter second",
        arguments: [(1000, 1000), (1249, 1000), (1250, 1250), (4999, 4750), (60000, 60000)])
    func statementTimeout(remaining: Int64, timeout: Int64) {
        #expect(PostgresSessionSettings.statementTimeout(remaining: remaining) == timeout)
    }
}
