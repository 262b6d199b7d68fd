import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import App

/// Ingest of real LogHub lines from `testdata`, then word and substring searches that must find
/// exactly the lines a plain case-insensitive scan finds.
@Suite("LogHub ingest")
struct LoghubIngestTests {
    static let systems = ["HDFS", "OpenSSH", "Apache", "Zookeeper"]

    static func lines(_ system: String) throws -> [String] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let path = root.appendingPathComponent("testdata/loghub/\(system)/\(system)_2k.log").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return text.split(separator: "\r\n").map(String.init).filter { !$0.isEmpty }
    }

    @Test("word and substring searches find exactly the matching lines", arguments: StoreKind.allCases)
    func ingest_loghubLines_searchFindsExactMatches(kind: StoreKind) async throws {
        let run = "loghub-\(UUID().uuidString.prefix(8).lowercased())"
        var all: [String] = []
        var bodies: [String] = []
        for system in Self.systems {
            let lines = try Self.lines(system)
            all += lines
            let records = lines.map { line -> String in
                let object: [String: Any] = ["message": line, "service": run, "host": system.lowercased()]
                return String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
            }
            bodies.append(records.joined(separator: "\n"))
        }
        let searches = [
            "PacketResponder",  // a word (HDFS)
            "Failed password",  // a phrase (OpenSSH)
            "blk_-54",  // a substring of block IDs (HDFS)
            "173.234.31",  // a substring of IP addresses (OpenSSH)
            "mod_jk",  // an underscore, which LIKE would treat as a wildcard (Apache)
            "0x14ed93111f2",  // a substring of session IDs (Zookeeper)
        ]
        let lines = all
        let ndjsonBodies = bodies
        try await withApp(kind) { client in
            for body in ndjsonBodies {
                let response = try await client.ingest(body, contentType: "application/x-ndjson")
                #expect(response.status == .ok)
                #expect(try response.json()["accepted"] as? Int == body.split(separator: "\n").count)
            }
            for term in searches {
                let expected = Set(lines.filter { $0.lowercased().contains(term.lowercased()) })
                #expect(!expected.isEmpty)
                let query = term.contains(" ") ? "\"\(term)\"" : term
                var found: Set<String> = []
                var cursor: String?
                repeat {
                    let uri =
                        "/api/v1/logs?limit=1000&q=\(encoded("service:\(run) \(query)"))"
                        + (cursor.map { "&cursor=\($0)" } ?? "")
                    let page = try await client.get(uri).json()
                    for log in page["logs"] as? [[String: Any]] ?? [] {
                        found.insert(log["message"] as? String ?? "")
                    }
                    cursor = page["next_cursor"] as? String
                } while cursor != nil
                #expect(found == expected, "search: \(term)")
            }
        }
    }
}
