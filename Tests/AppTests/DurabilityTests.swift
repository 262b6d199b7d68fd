import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// A 2xx on ingest means committed: the real binary, killed with SIGKILL while concurrent clients
/// ingest, still has every acknowledged record after a restart on the same data.
@Suite("Durability", .serialized)
struct DurabilityTests {
    @Test("every acknowledged record survives SIGKILL", arguments: StoreKind.allCases)
    func ingest_killedMidStream_keepsAcknowledgedRecords(kind: StoreKind) async throws {
        try await withTemporaryDirectory { directory in
            var environment: [String: String] = ["LOGSMITH_DATABASE_URL": "", "LOGSMITH_AUTH": "off"]
            if kind == .postgres { environment["LOGSMITH_DATABASE_URL"] = try testDatabaseURL() }
            let run = "durability-\(UUID().uuidString.prefix(8).lowercased())"
            let server = try await ServerProcess(dataDirectory: directory, environment: environment)
            let acknowledged = AcknowledgedRecords()
            let port = server.port

            let clients = (0..<8).map { client in
                Task {
                    try await TestClient.withClient(host: "127.0.0.1", port: port) { http in
                        for batch in 0..<10_000 {
                            let messages = (0..<20).map { "\(run) client \(client) batch \(batch) record \($0)" }
                            let body = messages.map { #"{"message": "\#($0)", "service": "\#(run)"}"# }
                                .joined(separator: "\n")
                            let response = try await http.post(
                                "/api/v1/logs", headers: [.contentType: "application/x-ndjson"],
                                body: ByteBuffer(string: body))
                            guard response.status == .ok else { continue }
                            await acknowledged.add(messages)
                        }
                    }
                }
            }
            let deadline = ContinuousClock.now.advanced(by: .seconds(120))
            while await acknowledged.count < 2000, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            server.kill()
            for client in clients { _ = await client.result }
            let expected = await acknowledged.messages
            #expect(expected.count >= 2000)

            let restarted = try await ServerProcess(dataDirectory: directory, environment: environment)
            defer { restarted.terminate() }
            let stored = try await TestClient.withClient(host: "127.0.0.1", port: restarted.port) { http in
                try await allMessages(http, query: "service:\(run)")
            }
            #expect(
                expected.subtracting(stored).isEmpty, "\(expected.subtracting(stored).count) acknowledged records lost")
        }
    }
}

/// Messages whose ingest request was answered 200.
actor AcknowledgedRecords {
    private(set) var messages: Set<String> = []
    var count: Int { messages.count }
    func add(_ new: [String]) { messages.formUnion(new) }
}

/// Every message matching a query, walking all pages.
func allMessages(_ http: TestClient, query: String) async throws -> Set<String> {
    var messages: Set<String> = []
    var cursor: String?
    repeat {
        let uri = "/api/v1/logs?limit=1000&q=\(encoded(query))" + (cursor.map { "&cursor=\($0)" } ?? "")
        let response = try await http.get(uri)
        let body = try #require(response.body)
        let page = try #require(try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any])
        for log in page["logs"] as? [[String: Any]] ?? [] {
            if let message = log["message"] as? String { messages.insert(message) }
        }
        cursor = page["next_cursor"] as? String
    } while cursor != nil
    return messages
}
