import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import App

/// The HTTP API end to end over the embedded store: the happy paths of every endpoint.
@Suite("HTTP API")
struct IngestAndSearchTests {
    @Test("health and readiness answer 200")
    func health_andReady_ok() async throws {
        try await withApp { client in
            #expect(try await client.get("/health").status == .ok)
            let ready = try await client.get("/ready")
            #expect(ready.status == .ok)
            #expect(try ready.json()["status"] as? String == "ready")
        }
    }

    @Test("an ingested record is found by search, by id and in its correlation story")
    func ingest_thenSearch_findsRecord() async throws {
        try await withApp { client in
            let body = """
                {"message": "payment failed: card_declined for order ORD-7781", "level": "err",
                 "service": "payments", "host": "web-1", "environment": "production",
                 "timestamp": "2026-11-28T10:15:30.5+01:00", "correlation_id": "corr-77",
                 "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "user_id": 42, "http.status": 402}
                """
            let response = try await client.ingest(body)
            #expect(response.status == .ok)
            let summary = try response.json()
            #expect(summary["accepted"] as? Int == 1)
            #expect((summary["rejected"] as? [Any])?.isEmpty == true)

            let search = try await client.get("/api/v1/logs?q=\(encoded("service:payments level:>=WARN RD-778"))")
            #expect(search.status == .ok)
            let page = try search.json()
            let logs = try #require(page["logs"] as? [[String: Any]])
            #expect(logs.count == 1)
            #expect(page.keys.contains("next_cursor"))
            let log = try #require(logs.first)
            #expect(log["level"] as? String == "ERROR")
            #expect(log["severity_number"] as? Int == 17)
            #expect(log["timestamp"] as? String == "2026-11-28T09:15:30.500000Z")
            #expect(log["tenant"] as? String == "default")
            let attributes = try #require(log["attributes"] as? [String: Any])
            #expect(attributes["user_id"] as? Int == 42)
            #expect(attributes["http.status"] as? Int == 402)

            let id = try #require(log["id"] as? String)
            let byID = try await client.get("/api/v1/logs/\(id)")
            #expect(byID.status == .ok)
            #expect(try byID.json()["message"] as? String == "payment failed: card_declined for order ORD-7781")

            let story = try await client.get("/api/v1/correlations/corr-77")
            #expect(story.status == .ok)
            let storyJSON = try story.json()
            #expect(storyJSON["count"] as? Int == 1)
            #expect(storyJSON["services"] as? [String] == ["payments"])
            #expect(storyJSON["first"] as? String == "2026-11-28T09:15:30.500000Z")
            let plusForSpace = try await client.get("/api/v1/logs?q=%22payment+failed%22+level:ERROR")
            #expect((try plusForSpace.json()["logs"] as? [Any])?.count == 1)
            let literalPlus = try await client.get("/api/v1/logs?q=%22payment%2Bfailed%22")
            #expect((try literalPlus.json()["logs"] as? [Any])?.isEmpty == true)
            let byTrace = try await client.get("/api/v1/correlations/4bf92f3577b34da6a3ce929d0e0e4736")
            #expect(try byTrace.json()["count"] as? Int == 1)
        }
    }

    @Test("a correlation story spans services in time order")
    func correlations_acrossServices_oldestFirst() async throws {
        try await withApp { client in
            let ndjson = """
                {"message": "charged", "service": "payments", "correlation_id": "c-9", "timestamp": 1764324002}
                {"message": "received", "service": "gateway", "correlation_id": "c-9", "timestamp": 1764324000}
                {"message": "created", "service": "orders", "correlation_id": "c-9", "timestamp": 1764324001000}
                """
            #expect(try await client.ingest(ndjson, contentType: "application/x-ndjson").status == .ok)
            let story = try await client.get("/api/v1/correlations/c-9").json()
            let messages = (story["logs"] as? [[String: Any]])?.compactMap { $0["message"] as? String }
            #expect(messages == ["received", "created", "charged"])
            #expect(story["services"] as? [String] == ["gateway", "orders", "payments"])
        }
    }

    @Test("NDJSON and arrays report bad items by index and keep the good ones")
    func ingest_mixedBatch_rejectsOnlyBadItems() async throws {
        try await withApp { client in
            let ndjson = """
                {"message": "first good"}
                {"message": "broken",

                {"message": "second good", "level": "W"}
                {"message": 5}
                """
            let response = try await client.ingest(ndjson, contentType: "application/x-ndjson; charset=utf-8")
            #expect(response.status == .ok)
            let summary = try response.json()
            #expect(summary["accepted"] as? Int == 2)
            let rejected = try #require(summary["rejected"] as? [[String: Any]])
            #expect(rejected.compactMap { $0["index"] as? Int } == [1, 3])
            #expect((rejected[1]["reason"] as? String)?.contains("message: must be a string") == true)

            let array = #"[{"message": "array good"}, "not an object", {"message": "x", "timestamp": "yesterday"}]"#
            let arraySummary = try await client.ingest(array).json()
            #expect(arraySummary["accepted"] as? Int == 1)
            let arrayRejected = try #require(arraySummary["rejected"] as? [[String: Any]])
            #expect(arrayRejected.compactMap { $0["index"] as? Int } == [1, 2])

            let found = try await client.get("/api/v1/logs?q=good").json()["logs"] as? [[String: Any]]
            #expect(found?.count == 3)
            let second = found?.first { $0["message"] as? String == "second good" }
            #expect(second?["level"] as? String == "WARN")
        }
    }

    @Test("search pages with a cursor until next_cursor is null")
    func search_cursor_walksAllPages() async throws {
        try await withApp { client in
            let records = (0..<25).map { #"{"message": "page test \#($0)", "timestamp": \#(1_764_324_000 + $0)}"# }
            #expect(try await client.ingest("[" + records.joined(separator: ",") + "]").status == .ok)
            var messages: [String] = []
            var cursor: String?
            repeat {
                let uri = "/api/v1/logs?q=\(encoded("\"page test\""))&limit=10" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await client.get(uri).json()
                messages += (page["logs"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
                cursor = page["next_cursor"] as? String
            } while cursor != nil
            #expect(messages == (0..<25).reversed().map { "page test \($0)" })
        }
    }

    @Test("start and end narrow the time range, relative times included")
    func search_timeRange_filters() async throws {
        try await withApp { client in
            let body = """
                [{"message": "old", "timestamp": "2020-01-01T00:00:00Z"},
                 {"message": "recent"}]
                """
            #expect(try await client.ingest(body).status == .ok)
            let recent = try await client.get("/api/v1/logs?start=now-15m").json()["logs"] as? [[String: Any]]
            #expect(recent?.compactMap { $0["message"] as? String } == ["recent"])
            let old = try await client.get("/api/v1/logs?start=2019-12-31T00:00:00Z&end=2020-01-02T00:00:00Z").json()
            #expect((old["logs"] as? [[String: Any]])?.compactMap { $0["message"] as? String } == ["old"])
        }
    }

    @Test("stats count matching records by level and service; a bad query or range is a 400")
    func stats_countsByLevelAndService() async throws {
        try await withApp { client in
            let body = """
                [{"message": "stats a", "level": "error", "service": "api"},
                 {"message": "stats b", "level": "info", "service": "api"},
                 {"message": "stats c", "level": "error"},
                 {"message": "stats old", "level": "error", "service": "api", "timestamp": "2020-01-01T00:00:00Z"},
                 {"message": "unrelated", "level": "warn", "service": "api"}]
                """
            #expect(try await client.ingest(body).status == .ok)
            let stats = try await client.get("/api/v1/stats?q=stats&start=now-24h").json()
            #expect(stats["total"] as? Int == 3)
            #expect(stats["by_level"] as? [String: Int] == ["ERROR": 2, "INFO": 1])
            #expect(stats["by_service"] as? [String: Int] == ["api": 2])
            let badQuery = try await client.get("/api/v1/stats?q=\(encoded("level:>="))")
            #expect(badQuery.status == .badRequest)
            #expect(badQuery.headers[.contentType] == "application/problem+json")
            #expect(try await client.get("/api/v1/stats?start=yesterday").status == .badRequest)
        }
    }
}
