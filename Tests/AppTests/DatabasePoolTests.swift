import Foundation
import HTTPTypes
import HummingbirdTesting
import LogModel
import NIOCore
import TestSupport
import Testing

/// `LOGSMITH_DATABASE_POOL` bounds the PostgreSQL connections of one replica, however many requests
/// wait for the database.
@Suite("Database pool")
struct DatabasePoolTests {
    @Test("twelve searches stuck on a locked partition hold no more connections than the pool allows")
    func pool_boundsConnections() async throws {
        try await withFreshPostgresDatabase(on: try testDatabaseURL()) { url in
            try await withTemporaryDirectory { directory in
                let server = try await ServerProcess(
                    dataDirectory: directory,
                    environment: [
                        "LOGSMITH_DATABASE_URL": url, "LOGSMITH_AUTH": "off", "LOGSMITH_DATABASE_POOL": "4",
                        "LOGSMITH_READ_CONCURRENCY_PER_TENANT": "50", "LOGSMITH_LIMIT_SEARCH": "0",
                        "LOGSMITH_CACHE_TTL_SECONDS": "0", "LOGSMITH_QUERY_BUDGET": "60",
                    ])
                defer { server.terminate() }
                let timestamp = Timestamp.now().rfc3339
                try await TestClient.withClient(host: "127.0.0.1", port: server.port) { http in
                    let body = #"[{"message": "pooled", "timestamp": "\#(timestamp)"}]"#
                    let response = try await http.execute(
                        .init(
                            "/api/v1/logs", method: .post, headers: [.contentType: "application/json"],
                            body: ByteBuffer(string: body)))
                    #expect(response.status == .ok)
                }
                let port = server.port
                try await withLockedPartition(url: url, holding: timestamp) { client in
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
                    #expect(try await waitForLockWaiters(4, on: client), "the pool's four connections never waited")
                    try await Task.sleep(for: .seconds(1))
                    #expect(try await waitForLockWaiters(4, on: client), "more connections than the pool allows")
                }
            }
        }
    }
}
