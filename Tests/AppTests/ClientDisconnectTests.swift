import Foundation
import HTTPTypes
import HummingbirdTesting
import TestSupport
import Testing

@testable import App

/// A client that leaves stops the reads of its request.
@Suite("Client disconnect")
struct ClientDisconnectTests {
    @Test("PostgreSQL: a search waiting on a locked partition stops when its client hangs up, long before its budget")
    func hangUp_cancelsStatement() async throws {
        try await withFreshPostgresDatabase(on: try testDatabaseURL()) { url in
            try await withLiveApp(.postgres, configure: { ($0.databaseURL, $0.queryBudgetSeconds) = (url, 120) }) {
                client in
                let ingested = try await client.ingest(
                    #"{"message":"left behind","timestamp":"2026-03-20T12:00:00Z"}"#)
                #expect(ingested.status == .ok)
                try await withLockedPartition(url: url, holding: "2026-03-20T12:00:00Z") { watcher in
                    let searcher = try RawConnection(port: try #require(client.port))
                    searcher.send(
                        "GET /api/v1/logs?q=left&start=2026-03-01T00:00:00Z&end=2026-04-01T00:00:00Z HTTP/1.1\r\n"
                            + "Host: x\r\n\r\n")
                    #expect(try await waitForLockWaiters(1, on: watcher), "the search never reached the lock")
                    searcher.hangUp()
                    #expect(
                        try await waitForLockWaiters(0, on: watcher),
                        "the statement still waits 10 s after its client left")
                }
            }
        }
    }
}
