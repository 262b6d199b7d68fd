import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TestSupport
import Testing

/// Patterns mined by two real processes on one PostgreSQL database, each given its share of a
/// tenant's lines.
@Suite("Patterns across replicas")
struct PatternReplicasTests {
    @Test(
        "two processes mining alternate batches of LogHub's Linux lines converge: an event's lines from either get the same patterns"
    )
    func twoProcessesConverge() async throws {
        var rows = try TestData.csv("loghub/Linux/Linux_2k.log_structured.csv")
        // Six users, three in each process's batches: neither sees enough to make the user a value
        // until they reconcile through the store.
        for (batch, user) in ["alice", "bob", "carol", "dave", "erin", "frank"].enumerated() {
            rows.insert(["Content": "job finished for user \(user) in queue main", "EventId": "users"], at: batch * 50)
        }
        try await withFreshPostgresDatabase(on: try testDatabaseURL()) { url in
            try await withTemporaryDirectory { directory in
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                let environment = [
                    "LOGSMITH_DATABASE_URL": url, "LOGSMITH_AUTH": "off", "LOGSMITH_LIMIT_SEARCH": "0",
                    "LOGSMITH_LIMIT_INGEST_RECORDS": "0", "LOGSMITH_PATTERN_SYNC_SECONDS": "1",
                ]
                let replicas = [
                    try await ServerProcess(
                        dataDirectory: directory + "/a", environment: environment, outputDirectory: directory),
                    try await ServerProcess(
                        dataDirectory: directory + "/b", environment: environment, outputDirectory: directory),
                ]
                defer { replicas.forEach { $0.terminate() } }
                for (batch, start) in stride(from: 0, to: rows.count, by: 50).enumerated() {
                    let lines = try rows[start..<min(start + 50, rows.count)].indices.map { line in
                        try Self.record(line: line, message: rows[line]["Content"] ?? "", replica: batch % 2)
                    }
                    let status = try await Self.post(lines.joined(separator: "\n"), port: replicas[batch % 2].port)
                    #expect(status == 200)
                }
                let deadline = ContinuousClock.now + .seconds(20)
                var divergence = try await Self.divergence(rows: rows, port: replicas[0].port)
                while !divergence.isEmpty, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(500))
                    divergence = try await Self.divergence(rows: rows, port: replicas[0].port)
                }
                #expect(divergence.isEmpty, "\(divergence)")
            }
        }
    }

    /// A record of one line of the file, marked with its line number and the replica it went to.
    private static func record(line: Int, message: String, replica: Int) throws -> String {
        let object: [String: Any] = [
            "message": message, "service": "replica-\(replica)",
            "timestamp": "2026-03-01T10:00:00Z", "attributes": ["line": line],
        ]
        return String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    /// The LogHub events whose lines the two replicas gave different patterns (after the stored
    /// merges), or "" when there are none.
    private static func divergence(rows: [[String: String]], port: Int) async throws -> String {
        let range = "start=2026-03-01T00:00:00Z&end=2026-03-02T00:00:00Z"
        let listing = try await get("/api/v1/patterns?\(range)&limit=1000", port: port)
        var root: [String: String] = [:]
        for pattern in listing["patterns"] as? [[String: Any]] ?? [] {
            let id = pattern["id"] as? String ?? ""
            for merged in pattern["merged_ids"] as? [String] ?? [id] { root[merged] = id }
        }
        var patterns: [String: [Set<String>]] = [:]
        var cursor: String?
        repeat {
            let page = try await get(
                "/api/v1/logs?\(range)&limit=1000" + (cursor.map { "&cursor=\($0)" } ?? ""), port: port)
            for record in page["logs"] as? [[String: Any]] ?? [] {
                guard let line = (record["attributes"] as? [String: Any])?["line"] as? Int,
                    let replica = (record["service"] as? String)?.last?.wholeNumberValue,
                    let id = record["pattern_id"] as? String
                else { continue }
                let event = rows[line]["EventId"] ?? ""
                patterns[event, default: [[], []]][replica].insert(root[id] ?? id)
            }
            cursor = page["next_cursor"] as? String
        } while cursor != nil
        return patterns.filter { !$0.value[0].isEmpty && !$0.value[1].isEmpty && $0.value[0] != $0.value[1] }
            .map { "\($0.key): \($0.value[0].sorted()) against \($0.value[1].sorted())" }.sorted()
            .joined(separator: "; ")
    }

    private static func post(_ body: String, port: Int) async throws -> Int {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/v1/logs")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-ndjson")
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }

    private static func get(_ path: String, port: Int) async throws -> [String: Any] {
        let response = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)"), timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 64 << 20)
        return try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any] ?? [:]
    }
}
