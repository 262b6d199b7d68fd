import Foundation
import HTTPTypes
import HummingbirdTesting
import LogModel
import NIOCore
import PostgresNIO
import TestSupport
import Testing

/// `LOGSMITH_DATABASE_POOL` bounds the PostgreSQL connections of one replica, however many requests
/// wait for the database, and reads that wait cannot take the connections ingest needs.
@Suite("Database pool")
struct DatabasePoolTests {
    @Test(
        "twelve searches stuck on a locked partition hold no more than the reads pool; ingest still commits beside them"
    )
    func pool_boundsConnections_ingestNotStarved() async throws {
        try await withFreshPostgresDatabase(on: try testDatabaseURL()) { url in
            try await withTemporaryDirectory { directory in
                let server = try await ServerProcess(
                    dataDirectory: directory,
                    environment: [
                        "LOGSMITH_DATABASE_URL": url, "LOGSMITH_AUTH": "off", "LOGSMITH_DATABASE_POOL": "12",
                        "LOGSMITH_READ_CONCURRENCY_PER_TENANT": "50", "LOGSMITH_LIMIT_SEARCH": "0",
                        "LOGSMITH_CACHE_TTL": "0", "LOGSMITH_QUERY_BUDGET": "60",
                    ])
                defer { server.terminate() }
                let now = Timestamp.now()
                let timestamp = now.rfc3339
                let yesterday = now.adding(.seconds(-86_400)).rfc3339
                let port = server.port
                @Sendable func ingest(_ message: String, at timestamp: String) async throws -> HTTPResponse.Status {
                    try await TestClient.withClient(host: "127.0.0.1", port: port) { http in
                        let body = #"[{"message": "\#(message)", "timestamp": "\#(timestamp)"}]"#
                        return try await http.execute(
                            .init(
                                "/api/v1/logs", method: .post, headers: [.contentType: "application/json"],
                                body: ByteBuffer(string: body))
                        ).status
                    }
                }
                #expect(try await ingest("pooled", at: timestamp) == .ok)
                #expect(try await ingest("a day before", at: yesterday) == .ok)
                try await withLockedPartition(url: url, holding: timestamp) { (client: PostgresClient) async throws in
                    let searches = Task {
                        await withTaskGroup(of: Void.self) { group in
                            for number in 0..<12 {
                                group.addTask {
                                    _ = try? await TestClient.withClient(host: "127.0.0.1", port: port) {
                                        try await $0.execute(.init("/api/v1/logs?q=search\(number)", method: .get))
                                    }
                                }
                            }
                        }
                    }
                    defer { searches.cancel() }
                    // 12 connections: 3 for ingest, 3 for background jobs, 6 for reads.
                    #expect(
                        try await waitForLockWaiters(6, on: client), "the reads pool's six connections never waited")
                    // The test client gives up after 15 s without a response.
                    #expect(try await ingest("beside the stuck reads", at: yesterday) == .ok)
                    #expect(try await waitForLockWaiters(6, on: client), "more connections than the reads pool allows")
                }
            }
        }
    }
}
