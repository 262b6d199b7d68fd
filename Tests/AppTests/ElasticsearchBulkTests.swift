import CompressNIO
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import App

/// `POST /_bulk` and `GET /` against the official Elasticsearch Python client.
@Suite("Elasticsearch bulk ingest")
struct ElasticsearchBulkTests {
    @Test(
        "the official client's info() passes its product check, and helpers.bulk of 10,000 documents reports exactly the bad ones as failed and stores the rest (SQLite with an API key, PostgreSQL without authentication)",
        arguments: StoreKind.allCases)
    func officialClient_bulk(kind: StoreKind) async throws {
        try await withServerProcess(on: kind, authentication: kind == .sqlite) { server, directory in
            let key =
                kind == .sqlite
                ? try String(contentsOfFile: directory + "/initial-admin-key", encoding: .utf8)
                    .trimmingCharacters(in: .whitespacesAndNewlines) : "-"
            let service = "es-\(UUID().uuidString.prefix(8).lowercased())"
            let output = directory + "/bulk.json"
            try await bash(
                #""${LOGSMITH_TEST_PYTHON:-python3}" Tests/shippers/elasticsearch_bulk.py "$1" "$2" "$3" 10000 7,5000,9999 > "$4""#,
                ["http://127.0.0.1:\(server.port)", key, service, output])
            let report = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as? [String: Any]
            )
            #expect(report["version"] as? String == "8.11.0")
            #expect(report["stored"] as? Int == 9_997)
            #expect(report["failed"] as? [Int] == [7, 5000, 9999])
            try await TestClient.withClient(host: "127.0.0.1", port: server.port) { http in
                let headers: HTTPFields = kind == .sqlite ? [.authorization: "Bearer \(key)"] : [:]
                let stats = try #require(
                    try await http.get(
                        "/api/v1/stats?q=\(encoded("service:\(service) level:WARN attributes.index:orders"))",
                        headers: headers
                    ).body)
                let counts = try JSONSerialization.jsonObject(with: Data(stats.readableBytesView)) as? [String: Any]
                #expect(counts?["total"] as? Int == 9_997)
            }
        }
    }

    @Test(
        "update and delete are refused item by item with the others stored; a body of no actions is a 400 in Elasticsearch's shape"
    )
    func refusedItems_andBadBodies() async throws {
        let body = """
            {"index": {"_index": "web"}}
            {"@timestamp": "2026-12-01T10:00:00Z", "log": {"level": "error"}, "msg": "boom", "trace.id": "abc"}
            {"delete": {"_index": "web", "_id": "1"}}
            {"update": {"_index": "web", "_id": "2"}}
            {"doc": {"a": 1}}
            {"create": {}}
            not json

            """
        try await withApp { client in
            let response = try await client.execute(
                uri: "/web/_bulk?refresh=true", method: .post, headers: [.contentType: "application/x-ndjson"],
                body: ByteBuffer(string: body))
            #expect(response.status == .ok)
            #expect(response.headers[HTTPField.Name("X-Elastic-Product")!] == "Elasticsearch")
            let answer = try response.json()
            #expect(answer["errors"] as? Bool == true)
            let items = try #require(answer["items"] as? [[String: [String: Any]]])
            #expect(items.map { $0.keys.first } == ["index", "delete", "update", "create"])
            #expect(items.map { $0.values.first?["status"] as? Int } == [201, 405, 405, 400])
            let stored = try await client.get("/api/v1/logs?q=trace_id:abc").json()["logs"] as? [[String: Any]]
            #expect(stored?.first?["level"] as? String == "ERROR")
            #expect(stored?.first?["message"] as? String == "boom")
            #expect((stored?.first?["attributes"] as? [String: Any])?["index"] as? String == "web")

            let bad = try await client.execute(
                uri: "/_bulk", method: .post, headers: [.contentType: "application/x-ndjson"],
                body: ByteBuffer(string: "{\"index\": 5}\n{}\n"))
            #expect(bad.status == .badRequest)
            #expect((try bad.json()["error"] as? [String: Any])?["type"] as? String == "illegal_argument_exception")
        }
    }

    @Test(
        "bad bodies get a 4xx in Elasticsearch's shape, never a 5xx: empty, not NDJSON, invalid UTF-8, a gzip bomb",
        arguments: ["empty", "garbage", "invalid UTF-8", "gzip bomb"])
    func badBodies_4xxInElasticsearchShape(kind: String) async throws {
        var headers: HTTPFields = [.contentType: "application/x-ndjson"]
        let body: ByteBuffer
        switch kind {
        case "empty": body = ByteBuffer()
        case "garbage": body = ByteBuffer(bytes: [0x7B, 0x22, 0x69, 0x6E, 0x0A, 0x7D, 0x0A])
        case "invalid UTF-8":
            body = ByteBuffer(
                bytes: Array(#"{"create": {}}"#.utf8) + [0x0A] + Array(#"{"message": ""#.utf8) + [0xC3, 0x28]
                    + Array("\"}\n".utf8))
        default:
            var zeros = ByteBuffer(repeating: 0x0A, count: 64 << 20)
            body = try zeros.compress(with: .gzip())
            headers[.contentEncoding] = "gzip"
        }
        try await withApp { [headers] client in
            let response = try await client.execute(uri: "/_bulk", method: .post, headers: headers, body: body)
            #expect(response.headers[HTTPField.Name("X-Elastic-Product")!] == "Elasticsearch")
            let answer = try response.json()
            if response.status == .ok {
                let items = try #require(answer["items"] as? [[String: [String: Any]]])
                #expect(
                    answer["errors"] as? Bool == true && items.allSatisfy { $0.values.first?["status"] as? Int == 400 })
            } else {
                #expect((400..<500).contains(response.status.code), "\(response.status)")
                #expect((answer["error"] as? [String: Any])?["type"] is String)
                #expect(answer["status"] as? Int == Int(response.status.code))
            }
            #expect(kind != "gzip bomb" || response.status == .contentTooLarge)
        }
    }
}
