import Foundation
import LogModel
import Logging
import PostgresNIO
import Stores
import TestSupport
import Testing

/// Reads under a ``QueryBudget`` on both stores: the database stops a statement when the budget runs
/// out or its request is cancelled, and the store says so with `budgetExhausted`.
@Suite("Query budget contract")
struct QueryBudgetContractTests {
    /// 60,000 records with two attributes, so that a group-by over them scans every row.
    private static func insertRecords(_ store: any LogStore, tenant: String) async throws {
        for batch in 0..<12 {
            try await store.insert(
                (0..<5000).map { index in
                    let number = batch * 5000 + index
                    return makeRecord(
                        "record \(number)", tenant: tenant, second: -Int64(number),
                        attributes: ["a": .integer(Int64(number % 97)), "b": .string("v\(number % 13)")])
                })
        }
    }

    private static func groupBy(_ tenant: String) -> GroupByRequest {
        GroupByRequest(
            search: SearchRequest(tenant: tenant), fields: [.attribute("a"), .attribute("b"), .level], limit: 20,
            descending: true)
    }

    private static func isBudgetExhausted(_ error: any Error) -> Bool {
        (error as? StoreError)?.code == .budgetExhausted
    }

    @Test(
        "a scan longer than its budget, or cancelled, stops with budgetExhausted; without a budget it answers",
        arguments: StoreKind.allCases)
    func scan_stopsAtBudgetAndCancellation(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let tenant = uniqueTenant()
            try await Self.insertRecords(store, tenant: tenant)
            let started = ContinuousClock.now
            #expect(try await store.groupCounts(Self.groupBy(tenant)).total == 60_000)
            let unbudgeted = ContinuousClock.now - started

            await #expect(throws: StoreError.self) {
                try await QueryBudget(unbudgeted / 20).apply { try await store.groupCounts(Self.groupBy(tenant)) }
            }
            // A mid-statement cancel is shown on PostgreSQL below, where a lock holds the statement.
            let cancelled = QueryBudget(.seconds(60))
            cancelled.cancellation.cancel()
            await #expect(throws: StoreError.self) {
                try await cancelled.apply { try await store.groupCounts(Self.groupBy(tenant)) }
            }
        }
    }

    @Test(
        "PostgreSQL: a statement waiting on a lock past its budget is stopped by the server, and a cancelled one at once"
    )
    func postgres_lockedStatementStops() async throws {
        try await withFreshPostgresDatabase { url in
            let logger = Logger(label: "test")
            let store = PostgresLogStore(configuration: try .init(url: url), logger: logger)
            let holder = PostgresClient(configuration: try .init(url: url), backgroundLogger: logger)
            try await running(store) {
                let tenant = uniqueTenant()
                try await store.insert([makeRecord("locked away", tenant: tenant)])
                try await whileRunning("a PostgreSQL client", { await holder.run() }) {
                    try await holder.withTransaction(logger: logger) { connection in
                        try await connection.query("LOCK TABLE logs IN ACCESS EXCLUSIVE MODE", logger: logger)
                        let timedOut = ContinuousClock.now
                        await #expect(throws: StoreError.self) {
                            try await QueryBudget(.milliseconds(300)).apply {
                                try await store.search(SearchRequest(tenant: tenant))
                            }
                        }
                        // Either stop comes long before the 60 s budget or the lock would end it.
                        #expect(ContinuousClock.now - timedOut < .seconds(15))

                        let budget = QueryBudget(.seconds(60))
                        let cancelled = ContinuousClock.now
                        await #expect(
                            performing: {
                                try await withThrowingTaskGroup(of: Void.self) { readers in
                                    readers.addTask {
                                        try await Task.sleep(for: .milliseconds(300))
                                        budget.cancellation.cancel()
                                    }
                                    _ = try await budget.apply { try await store.search(SearchRequest(tenant: tenant)) }
                                    try await readers.waitForAll()
                                }
                            }, throws: Self.isBudgetExhausted)
                        #expect(ContinuousClock.now - cancelled < .seconds(15))
                        let waiting = try await connection.query(
                            "SELECT count(*)::int8 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()",
                            logger: logger
                        ).collect().first?.decode(Int64.self)
                        #expect(waiting == 0)
                    }
                }
                #expect(try await store.search(SearchRequest(tenant: tenant)).records.count == 1)
            }
        }
    }
}
