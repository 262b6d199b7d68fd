import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Synchronization
import TestSupport
import Testing

@testable import App

/// `GET /api/v1/patterns`, `GET /api/v1/patterns/{id}` and `pattern:ID` searches, over records
/// ingested through the API, whose patterns the service mined.
@Suite("Pattern routes")
struct PatternRoutesTests {
    private static func lines(service: String) -> [String] {
        let timeouts = (0..<5).map { index in
            (#"DB timeout after \#(100 + index) ms on pool \#(index)"#, "2026-03-01T10:0\(index):00Z", "ERROR")
        }
        let logins = ["alice", "bob", "carol", "dave"].enumerated().map { index, user in
            ("session opened for user \(user) by login uid=0", "2026-03-01T11:0\(index):00Z", "INFO")
        }
        return (timeouts + logins).map { message, time, level in
            #"{"message":"\#(message)","service":"\#(service)","timestamp":"\#(time)","level":"\#(level)"}"#
        }
    }

    @Test(
        "ingested lines are listed as patterns with counts, levels, services and examples, and found by pattern:ID",
        arguments: StoreKind.allCases)
    func listAndSearch(kind: StoreKind) async throws {
        let service = "pat-\(UUID().uuidString.prefix(8).lowercased())"
        try await withApp(kind) { client in
            let ingested = try await client.ingest(
                Self.lines(service: service).joined(separator: "\n"), contentType: "application/x-ndjson")
            #expect(ingested.status == .ok)
            let range = "start=2026-03-01T00:00:00Z&end=2026-03-02T00:00:00Z"
            let response = try await client.get("/api/v1/patterns?q=service:\(service)&\(range)")
            #expect(response.status == .ok)
            let body = try response.json()
            #expect(body["partial"] as? Bool == false)
            let patterns = try #require(body["patterns"] as? [[String: Any]])
            #expect(
                patterns.map { $0["template"] as? String } == [
                    "DB timeout after <*> ms on pool <*>", "session opened for user <*> by login uid=<*>",
                ])
            #expect(patterns.map { $0["count"] as? Int } == [5, 4])
            let timeouts = try #require(patterns.first)
            #expect(timeouts["levels"] as? [String: Int] == ["ERROR": 5])
            #expect((timeouts["services"] as? [[String: Any]])?.first?["service"] as? String == service)
            #expect((timeouts["examples"] as? [String])?.first == "DB timeout after 100 ms on pool 0")
            #expect((timeouts["sparkline"] as? [Int])?.count == 30)
            #expect((timeouts["sparkline"] as? [Int])?.reduce(0, +) == 5)
            #expect(timeouts["first_in_range"] as? String == "2026-03-01T10:00:00.000000Z")
            let id = try #require(timeouts["id"] as? String)
            let found = try await client.get("/api/v1/logs?q=\(encoded("pattern:\(id) service:\(service)"))&\(range)")
            let records = try #require(try found.json()["logs"] as? [[String: Any]])
            #expect(records.count == 5)
            #expect(records.allSatisfy { $0["pattern_id"] as? String == id })
            let one = try await client.get("/api/v1/patterns/\(id)?q=service:\(service)&\(range)")
            #expect(one.status == .ok)
            #expect((try one.json()["pattern"] as? [String: Any])?["count"] as? Int == 5)
            let newest = try await client.get("/api/v1/patterns?q=service:\(service)&\(range)&sort=new&limit=1")
            #expect((try newest.json()["patterns"] as? [[String: Any]])?.count == 1)
            let errorsOnly = try await client.get(
                "/api/v1/patterns?q=\(encoded("service:\(service) level:error"))&\(range)")
            #expect((try errorsOnly.json()["patterns"] as? [[String: Any]])?.count == 1)
        }
    }

    @Test("bad parameters are problems naming them; an unknown pattern is a 404")
    func badParameters() async throws {
        try await withApp { client in
            for (uri, parameter) in [
                ("/api/v1/patterns?sort=loud", "sort"), ("/api/v1/patterns?limit=0", "limit"),
                ("/api/v1/patterns?q=pattern:xyz", "q"), ("/api/v1/patterns/xyz", "id"),
                ("/api/v1/patterns?start=2026-03-02T00:00:00Z&end=2026-03-01T00:00:00Z", "end"),
            ] {
                let response = try await client.get(uri)
                #expect(response.status == .badRequest, "\(uri)")
                #expect(response.headers[.contentType] == "application/problem+json", "\(uri)")
                let errors = try response.json()["errors"] as? [[String: Any]]
                #expect(errors?.first?["parameter"] as? String == parameter, "\(uri)")
            }
            let unknown = try await client.get("/api/v1/patterns/00000000000000ff")
            #expect(unknown.status == .notFound)
        }
    }

    @Test(
        "patterns survive restarts: a process knows the variants stored before it, merges them when one more shows a value, and the next one gives that pattern"
    )
    func survivesRestart() async throws {
        try await withTemporaryDirectory { directory in
            var configuration = try testConfiguration(.sqlite, dataDirectory: directory)
            configuration.patternSyncSeconds = 3600
            let collected = Mutex<[String]>([])
            for (user, minute) in [("alice", "00"), ("bob", "01"), ("carol", "02"), ("dave", "03"), ("erin", "04")] {
                let app = try await buildApplication(configuration, logger: quietLogger, limiterClock: ManualClock())
                try await app.boundedTest(.router) { client in
                    let line =
                        #"{"message":"job finished for user \#(user) in queue main","timestamp":"2026-03-01T10:\#(minute):00Z"}"#
                    #expect(try await client.ingest(line).status == .ok)
                    let page = try await client.get("/api/v1/logs?q=\(user)&start=2026-03-01T00:00:00Z")
                    let records = try #require(try page.json()["logs"] as? [[String: Any]])
                    let id = try #require(records.first?["pattern_id"] as? String)
                    collected.withLock { $0.append(id) }
                }
            }
            let ids = collected.withLock { $0 }
            let app = try await buildApplication(configuration, logger: quietLogger, limiterClock: ManualClock())
            try await app.boundedTest(.router) { client in
                let listed = try await client.get(
                    "/api/v1/patterns?start=2026-03-01T00:00:00Z&end=2026-03-02T00:00:00Z")
                let patterns = try #require(try listed.json()["patterns"] as? [[String: Any]])
                #expect(patterns.map { $0["template"] as? String } == ["job finished for user <*> in queue main"])
                #expect(patterns.first?["count"] as? Int == 5)
                #expect(Set(patterns.first?["merged_ids"] as? [String] ?? []) == Set(ids))
            }
            #expect(Set(ids.prefix(4)).count == 4)
            #expect(ids[4] == ids[3])
        }
    }
}
