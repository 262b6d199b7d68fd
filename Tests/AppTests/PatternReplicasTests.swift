import Foundation
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
        try await withTwoReplicas(environment: ["LOGSMITH_PATTERN_SYNC_SECONDS": "1"]) { replicas in
            for (batch, start) in stride(from: 0, to: rows.count, by: 50).enumerated() {
                let lines = try rows[start..<min(start + 50, rows.count)].indices.map { line in
                    try Self.record(line: line, message: rows[line]["Content"] ?? "", replica: batch % 2)
                }
                let status = try await replicas[batch % 2].post(
                    lines.joined(separator: "\n"), to: "/api/v1/logs", contentType: "application/x-ndjson")
                #expect(status == 200)
            }
            let deadline = ContinuousClock.now + .seconds(20)
            var divergence = try await Self.divergence(rows: rows, from: replicas[0])
            while !divergence.isEmpty, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(500))
                divergence = try await Self.divergence(rows: rows, from: replicas[0])
            }
            #expect(divergence.isEmpty, "\(divergence)")
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
    private static func divergence(rows: [[String: String]], from server: ServerProcess) async throws -> String {
        let range = "start=2026-03-01T00:00:00Z&end=2026-03-02T00:00:00Z"
        let listing = try await server.getJSON("/api/v1/patterns?\(range)&limit=1000")
        var root: [String: String] = [:]
        for pattern in listing["patterns"] as? [[String: Any]] ?? [] {
            let id = pattern["id"] as? String ?? ""
            for merged in pattern["merged_ids"] as? [String] ?? [id] { root[merged] = id }
        }
        var patterns: [String: [Set<String>]] = [:]
        var cursor: String?
        repeat {
            let page = try await server.getJSON(
                "/api/v1/logs?\(range)&limit=1000" + (cursor.map { "&cursor=\($0)" } ?? ""))
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
}
