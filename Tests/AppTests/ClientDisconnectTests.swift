import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import PostgresNIO
import Stores
import TestSupport
import Testing

@testable import App

/// A client that leaves stops the reads of its request.
@Suite("Client disconnect")
struct ClientDisconnectTests {
    @Test("PostgreSQL: a search waiting on a locked partition stops when its client hangs up, long before its budget")
    func hangUp_cancelsStatement() async throws {
        let logger = Logger(label: "test")
        try await withFreshPostgresDatabase(on: try testDatabaseURL()) { url in
            try await withLiveApp(.postgres, configure: { ($0.databaseURL, $0.queryBudgetSeconds) = (url, 120) }) {
                client in
                let ingested = try await client.ingest(
                    #"{"message":"left behind","timestamp":"2026-03-20T12:00:00Z"}"#)
                #expect(ingested.status == .ok)
                let watcher = PostgresClient(configuration: try .init(url: url), backgroundLogger: logger)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { await watcher.run() }
                    defer { group.cancelAll() }
                    let partition = try await watcher.query(
                        "SELECT tableoid::regclass::text FROM logs LIMIT 1", logger: logger
                    ).collect().first?.decode(String.self)
                    let locked = try #require(partition)
                    try await watcher.withTransaction(logger: logger) { connection in
                        try await connection.query(
                            PostgresQuery(unsafeSQL: "LOCK TABLE \(locked) IN ACCESS EXCLUSIVE MODE"), logger: logger)
                        let searcher = try RawConnection(port: try #require(client.port))
                        searcher.send(
                            "GET /api/v1/logs?q=left&start=2026-03-01T00:00:00Z&end=2026-04-01T00:00:00Z HTTP/1.1\r\n"
                                + "Host: x\r\n\r\n")
                        #expect(try await waitFor(waiting: 1, watcher, logger), "the search never reached the lock")
                        searcher.hangUp()
                        #expect(
                            try await waitFor(waiting: 0, watcher, logger),
                            "the statement still waits 10 s after its client left")
                    }
                }
            }
        }
    }

    /// Polls for up to 10 s until `count` statements wait on a lock; whether they did.
    private func waitFor(waiting count: Int, _ client: PostgresClient, _ logger: Logger) async throws -> Bool {
        for _ in 0..<100 {
            let rows = try await client.query(
                "SELECT count(*)::int FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND state = 'active'",
                logger: logger
            ).collect()
            if try rows.first?.decode(Int.self) == count { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }
}
