import Foundation
import HTTPTypes
import HummingbirdTesting
import LogModel
import NIOCore
import Stores
import TestSupport
import Testing

@testable import App

/// Reads under the query budget through the routes: partial answers that say what they cover, and
/// cursors that continue from there.
@Suite("Query budget")
struct QueryBudgetTests {
    @Test(
        "PostgreSQL: one day's partition locked, a search and a histogram answer partial with the newer days; the cursor then continues without gaps or repeats"
    )
    func lockedPartition_partialThenContinues() async throws {
        try await withFreshPostgresDatabase(on: try testDatabaseURL()) { url in
            try await withApp(.postgres, configure: { $0.databaseURL = url }) { client in
                let start = Timestamp(rfc3339: "2026-03-01T00:00:00Z")!
                let lines = (0..<120).map { index in
                    let time = start.adding(microseconds: Int64(index) * 21_600_000_000).rfc3339
                    return #"{"message":"budget record \#(index)","timestamp":"\#(time)"}"#
                }
                let ingested = try await client.ingest(
                    lines.joined(separator: "\n"), contentType: "application/x-ndjson")
                #expect(ingested.status == .ok)
                let range = "start=2026-03-01T00:00:00Z&end=2026-03-31T00:00:00Z"
                let (pageBody, histogramBody) = try await withLockedPartition(
                    url: url, holding: "2026-03-20T00:00:00Z"
                ) { _ in
                    let page = try await client.get("/api/v1/logs?q=budget&\(range)&limit=1000&budget_ms=1500")
                    let counts = try await client.get(
                        "/api/v1/analytics/histogram?q=budget&\(range)&interval=1d&budget_ms=1500")
                    return (page.body, counts.body)
                }
                let firstPage = try pageBody.jsonObject()
                let histogram = try histogramBody.jsonObject()
                #expect(firstPage["partial"] as? Bool == true, "\(firstPage)")
                let covered = try #require(firstPage["covered"] as? [String: String])
                let coveredStart = try #require(covered["start"].flatMap(Timestamp.init(rfc3339:)))
                #expect(covered["end"] == "2026-03-31T00:00:00.000000Z")
                #expect(coveredStart >= Timestamp(rfc3339: "2026-03-21T00:00:00Z")!)
                let newer = lines.indices.filter {
                    start.adding(microseconds: Int64($0) * 21_600_000_000) >= coveredStart
                }
                let firstLogs = try #require(firstPage["logs"] as? [[String: Any]])
                #expect(firstLogs.count == newer.count)

                #expect(histogram["partial"] as? Bool == true)
                let histogramCovered = try #require(histogram["covered"] as? [String: String])
                let histogramStart = try #require(histogramCovered["start"].flatMap(Timestamp.init(rfc3339:)))
                #expect(histogramStart >= Timestamp(rfc3339: "2026-03-21T00:00:00Z")!)
                let countedNewer = lines.indices.filter {
                    start.adding(microseconds: Int64($0) * 21_600_000_000) >= histogramStart
                }
                #expect(histogram["total"] as? Int == countedNewer.count)

                var messages = firstLogs.compactMap { $0["message"] as? String }
                var cursor = firstPage["next_cursor"] as? String
                while let next = cursor {
                    let page = try await client.get("/api/v1/logs?q=budget&\(range)&limit=1000&cursor=\(next)").json()
                    #expect(page["partial"] as? Bool == false)
                    messages += (page["logs"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
                    cursor = page["next_cursor"] as? String
                }
                #expect(messages.count == 120)
                #expect(Set(messages) == Set(lines.indices.map { "budget record \($0)" }))
            }
        }
    }

    @Test("SQLite: a group-by over 60,000 records with a 1 ms budget answers partial for the newest window")
    func sqliteTinyBudget_partialGroupBy() async throws {
        try await withApp(.sqlite, configure: { $0.ingestRecordsPerSecond = 0 }) { client in
            let start = Timestamp(rfc3339: "2026-04-01T00:00:00Z")!
            for batch in 0..<12 {
                let lines = (0..<5000).map { index in
                    let number = batch * 5000 + index
                    let time = start.adding(microseconds: Int64(number) * 40_000_000).rfc3339
                    return #"{"message":"m","timestamp":"\#(time)","attributes":{"a":\#(number % 97)}}"#
                }
                let response = try await client.ingest(
                    lines.joined(separator: "\n"), contentType: "application/x-ndjson")
                #expect(response.status == .ok, "\(String(buffer: response.body).prefix(300))")
            }
            let query = "fields=attributes.a,level&start=2026-04-01T00:00:00Z&end=2026-04-28T00:00:00Z"
            let whole = try await client.get("/api/v1/analytics/group-by?\(query)").json()
            #expect(whole["partial"] as? Bool == false)
            let inRange = (0..<60_000).filter {
                start.adding(microseconds: Int64($0) * 40_000_000) < Timestamp(rfc3339: "2026-04-28T00:00:00Z")!
            }.count
            #expect(whole["total"] as? Int == inRange)
            let partial = try await client.get("/api/v1/analytics/group-by?\(query)&budget_ms=1").json()
            #expect(partial["partial"] as? Bool == true)
            let covered = try #require(partial["covered"] as? [String: String])
            let coveredStart = try #require(covered["start"].flatMap(Timestamp.init(rfc3339:)))
            let expected = (0..<inRange).filter {
                start.adding(microseconds: Int64($0) * 40_000_000) >= coveredStart
            }.count
            // How much 1 ms covers depends on the machine's load (none at all on a busy one): the
            // answer must count exactly the part it says it covered, and not the whole.
            #expect(partial["total"] as? Int == expected)
            #expect(expected < inRange)
        }
    }

    @Test("budget_ms outside 1 to the configured budget is a 400 naming it")
    func badBudget_is400() async throws {
        try await withApp(configure: { $0.queryBudgetSeconds = 2 }) { client in
            for value in ["0", "2001", "soon", "-5"] {
                let response = try await client.get("/api/v1/logs?budget_ms=\(value)")
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("budget_ms"))
            }
            let allowed = try await client.get("/api/v1/logs?budget_ms=2000")
            #expect(allowed.status == .ok, "\(String(buffer: allowed.body))")
        }
    }
}
