import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import App

/// `GET /api/v1/analytics/histogram` through the router.
@Suite("Analytics routes")
struct AnalyticsTests {
    @Test("a histogram by level over fixed records: aligned buckets, zeros, totals", arguments: StoreKind.allCases)
    func histogramByLevel(kind: StoreKind) async throws {
        let service = "hist-\(UUID().uuidString.prefix(8).lowercased())"
        let lines = [
            ("2026-03-01T10:05:00Z", "ERROR"), ("2026-03-01T10:59:59Z", "INFO"), ("2026-03-01T12:00:00Z", "ERROR"),
            ("2026-03-01T12:30:00Z", "ERROR"), ("2026-03-01T09:59:59Z", "INFO"),
        ].map { #"{"message":"m","service":"\#(service)","timestamp":"\#($0.0)","level":"\#($0.1)"}"# }
        try await withApp(kind) { client in
            #expect(
                try await client.ingest(lines.joined(separator: "\n"), contentType: "application/x-ndjson").status
                    == .ok)
            let response = try await client.get(
                "/api/v1/analytics/histogram?q=service:\(service)&start=2026-03-01T10:00:00Z&end=2026-03-01T13:00:00Z"
                    + "&interval=1h&by=level")
            #expect(response.status == .ok)
            let body = try response.json()
            #expect(body["interval"] as? String == "1h")
            #expect(body["partial"] as? Bool == false)
            #expect(body["total"] as? Int == 4)
            #expect(
                body["buckets"] as? [String]
                    == ["2026-03-01T10:00:00.000000Z", "2026-03-01T11:00:00.000000Z", "2026-03-01T12:00:00.000000Z"])
            let series = try #require(body["series"] as? [[String: Any]])
            #expect(series.map { $0["key"] as? String } == ["ERROR", "INFO"])
            #expect(series.first?["counts"] as? [Int] == [1, 0, 2])
            #expect(series.last?["counts"] as? [Int] == [1, 0, 0])
            let all = try await client.get(
                "/api/v1/analytics/histogram?q=service:\(service)&start=2026-03-01T00:00:00Z&end=2026-03-02T00:00:00Z")
            let allBody = try all.json()
            #expect(allBody["interval"] as? String == "15m")
            #expect((allBody["buckets"] as? [String])?.count == 96)
            #expect((allBody["series"] as? [[String: Any]])?.first?["key"] as? String == "all")
        }
    }

    @Test(
        "error rate by service: ERROR and above, and 5xx statuses, per bucket and in all", arguments: StoreKind.allCases
    )
    func errorRateByService(kind: StoreKind) async throws {
        let run = "err-\(UUID().uuidString.prefix(8).lowercased())"
        let lines = [
            ("api", "ERROR", 200, "10:10"), ("api", "INFO", 503, "10:20"), ("api", "INFO", 200, "10:30"),
            ("api", "INFO", 404, "11:10"), ("web", "FATAL", 200, "10:40"), ("web", "WARN", 200, "10:50"),
        ].map { service, level, status, time in
            #"{"message":"m","service":"\#(run)-\#(service)","level":"\#(level)","http.status":\#(status),"#
                + #""timestamp":"2026-03-01T\#(time):00Z"}"#
        }
        try await withApp(kind) { client in
            let ingested = try await client.ingest(lines.joined(separator: "\n"), contentType: "application/x-ndjson")
            #expect(ingested.status == .ok)
            let response = try await client.get(
                "/api/v1/analytics/error-rate?q=service:\(run)-*&by=service&interval=1h"
                    + "&start=2026-03-01T10:00:00Z&end=2026-03-01T12:00:00Z")
            let series = try #require(try response.json()["series"] as? [[String: Any]])
            let api = try #require(series.first { $0["key"] as? String == "\(run)-api" })
            #expect(api["counts"] as? [Int] == [3, 1])
            #expect(api["errors"] as? [Int] == [2, 0])
            #expect(api["total_errors"] as? Int == 2)
            #expect(api["rate"] as? Double == 0.5)
            let web = try #require(series.first { $0["key"] as? String == "\(run)-web" })
            #expect(web["errors"] as? [Int] == [1, 0])
            #expect((web["rates"] as? [Any])?.first as? Double == 0.5)
            #expect((web["rates"] as? [Any])?.last is NSNull)
        }
    }

    @Test("compare: the range next to the same range a day earlier, bucket for bucket")
    func compareWithYesterday() async throws {
        let run = "cmp-\(UUID().uuidString.prefix(8).lowercased())"
        let lines = ["2026-03-02T10:10:00Z", "2026-03-02T10:20:00Z", "2026-03-02T11:10:00Z", "2026-03-01T10:30:00Z"].map
        {
            #"{"message":"m","service":"\#(run)","timestamp":"\#($0)"}"#
        }
        try await withApp { client in
            let ingested = try await client.ingest(lines.joined(separator: "\n"), contentType: "application/x-ndjson")
            #expect(ingested.status == .ok)
            let response = try await client.get(
                "/api/v1/analytics/compare?q=service:\(run)&interval=1h&baseline=1d"
                    + "&start=2026-03-02T10:00:00Z&end=2026-03-02T12:00:00Z")
            let body = try response.json()
            #expect(body["baseline_seconds"] as? Int == 86_400)
            let current = try #require(body["current"] as? [String: Any])
            let baseline = try #require(body["baseline"] as? [String: Any])
            #expect((current["series"] as? [[String: Any]])?.first?["counts"] as? [Int] == [2, 1])
            #expect((baseline["series"] as? [[String: Any]])?.first?["counts"] as? [Int] == [1, 0])
            #expect((baseline["buckets"] as? [String])?.first == "2026-03-01T10:00:00.000000Z")
            let bad = try await client.get("/api/v1/analytics/compare?baseline=100d")
            #expect(bad.status == .badRequest)
        }
    }

    @Test("group-by over two fields with other, largest and smallest first", arguments: StoreKind.allCases)
    func groupByServiceAndLevel(kind: StoreKind) async throws {
        let run = "grp-\(UUID().uuidString.prefix(8).lowercased())"
        let lines = [("a", "ERROR", 5), ("a", "INFO", 3), ("b", "ERROR", 2), ("c", "WARN", 1)].flatMap {
            service, level, count in
            Array(
                repeating: #"{"message":"m","service":"\#(run)-\#(service)","level":"\#(level)","run":"\#(run)"}"#,
                count: count)
        }
        try await withApp(kind) { client in
            let ingested = try await client.ingest(lines.joined(separator: "\n"), contentType: "application/x-ndjson")
            #expect(ingested.status == .ok)
            let largest = try await client.get("/api/v1/analytics/group-by?q=run:\(run)&fields=service,level&limit=2")
            let body = try largest.json()
            #expect(body["total"] as? Int == 11)
            #expect(body["other"] as? Int == 3)
            #expect(body["partial"] as? Bool == false)
            let groups = try #require(body["groups"] as? [[String: Any]])
            #expect(groups.map { $0["count"] as? Int } == [5, 3])
            #expect((groups.first?["keys"] as? [String: String])?["service"] == "\(run)-a")
            #expect((groups.first?["keys"] as? [String: String])?["level"] == "ERROR")
            let smallest = try await client.get(
                "/api/v1/analytics/group-by?q=run:\(run)&fields=attributes.run,level&order=count&limit=1")
            let first = try #require((try smallest.json()["groups"] as? [[String: Any]])?.first)
            #expect(first["count"] as? Int == 1)
            #expect((first["keys"] as? [String: String])?["attributes.run"] == run)
        }
    }

    @Test("the shared access logs' endpoint table: the busiest routes, counted here from the raw lines")
    func accessLogEndpoints() async throws {
        let nginx = try UploadTests.file("access/nginx_access.log")
        var expected: [String: (requests: Int, errors: Int)] = [:]
        for line in String(buffer: nginx).split(separator: "\n") {
            let parts = line.split(separator: "\"", omittingEmptySubsequences: false)
            let request = parts[1].split(separator: " ")
            guard request.count == 3, let status = Int(parts[2].split(separator: " ")[0]) else { continue }
            let path = String(request[1].split(separator: "?", omittingEmptySubsequences: false)[0])
            expected["\(request[0]) \(path)", default: (0, 0)].requests += 1
            if status >= 500 { expected["\(request[0]) \(path)", default: (0, 0)].errors += 1 }
        }
        let busiest = Array(expected.sorted { ($0.value.requests, $1.key) > ($1.value.requests, $0.key) }.prefix(5))
        try await withApp { client in
            #expect(try await client.upload(nginx, query: "format=nginx").status == .ok)
            let response = try await client.get("/api/v1/analytics/endpoints?limit=5")
            let endpoints = try #require(try response.json()["endpoints"] as? [[String: Any]])
            #expect(endpoints.count == 5)
            for (endpoint, (key, counts)) in zip(endpoints, busiest) {
                #expect("\(endpoint["method"] as? String ?? "") \(endpoint["route"] as? String ?? "")" == key)
                #expect(endpoint["requests"] as? Int == counts.requests)
                #expect(endpoint["errors"] as? Int == counts.errors)
            }
        }
    }

    @Test("bad parameters are 400 problems naming the parameter")
    func badParameters() async throws {
        try await withApp { client in
            for (query, parameter) in [
                ("interval=7x", "interval"), ("interval=2d", "interval"), ("interval=0s", "interval"),
                ("interval=1s&start=now-30d", "interval"), ("by=", "by"), ("q=(", "q"), ("start=yesterday", "start"),
                ("start=now&end=now-1h", "end"), ("limit=5", "limit"),
            ] {
                let response = try await client.get("/api/v1/analytics/histogram?\(query)")
                #expect(response.status == .badRequest, "\(query)")
                let errors = try response.json()["errors"] as? [[String: Any]]
                #expect(errors?.first?["parameter"] as? String == parameter, "\(query)")
            }
            for (query, parameter) in [
                ("", "fields"), ("fields=", "fields"), ("fields=a,b,c,d", "fields"), ("fields=service,", "fields"),
                ("fields=level&limit=0", "limit"), ("fields=level&limit=1001", "limit"),
                ("fields=level&order=x", "order"),
                ("fields=level&q=(", "q"), ("fields=level&interval=1h", "interval"),
            ] {
                let response = try await client.get("/api/v1/analytics/group-by?\(query)")
                #expect(response.status == .badRequest, "\(query)")
                let errors = try response.json()["errors"] as? [[String: Any]]
                #expect(errors?.first?["parameter"] as? String == parameter, "\(query)")
            }
        }
    }
}
