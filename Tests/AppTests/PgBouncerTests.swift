import Foundation
import HTTPTypes
import HummingbirdTesting
import LogModel
import NIOCore
import TestSupport
import Testing

/// Logsmith behind PgBouncer: session mode works as a direct connection does; transaction mode,
/// which would break its advisory locks, `LISTEN` and session settings, is refused at start.
@Suite("PgBouncer")
struct PgBouncerTests {
    @Test("behind PgBouncer in session mode, records are ingested and found, and /ready says so")
    func sessionMode_works() async throws {
        try await withFreshPostgresDatabase(on: try testDatabaseURL()) { url in
            let bouncer = try PgBouncerProcess(mode: "session", databaseURL: url)
            try await withTemporaryDirectory { directory in
                let server = try await ServerProcess(
                    dataDirectory: directory,
                    environment: ["LOGSMITH_DATABASE_URL": bouncer.url(for: url), "LOGSMITH_AUTH": "off"])
                defer { server.terminate() }
                try await TestClient.withClient(host: "127.0.0.1", port: server.port) { http in
                    let ingested = try await http.execute(
                        .init(
                            "/api/v1/logs", method: .post, headers: [.contentType: "application/json"],
                            body: ByteBuffer(string: #"{"message": "through the bouncer", "service": "pooled"}"#)))
                    #expect(ingested.status == .ok)
                    let found = try await http.execute(.init("/api/v1/logs?q=service:pooled", method: .get))
                    let records = try (found.body ?? ByteBuffer()).jsonObject()["logs"] as? [[String: Any]] ?? []
                    #expect(records.map { $0["message"] as? String } == ["through the bouncer"])
                    #expect(try await http.execute(.init("/ready", method: .get)).status == .ok)
                }
            }
        }
    }

    @Test("behind PgBouncer in transaction mode, Logsmith refuses to start and says why")
    func transactionMode_refusedAtStart() async throws {
        try await withFreshPostgresDatabase(on: try testDatabaseURL()) { url in
            let bouncer = try PgBouncerProcess(mode: "transaction", databaseURL: url)
            try await withTemporaryDirectory { directory in
                let error = await #expect(throws: ServerProcess.ServerDidNotStart.self) {
                    try await ServerProcess(
                        dataDirectory: directory,
                        environment: ["LOGSMITH_DATABASE_URL": bouncer.url(for: url), "LOGSMITH_AUTH": "off"])
                }
                #expect(error?.output.contains("transaction or statement mode") == true)
                #expect(error?.output.contains("use pool_mode = session") == true)
            }
        }
    }
}
