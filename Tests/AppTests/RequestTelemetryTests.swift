import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TestSupport
import Testing

@testable import App

/// Request and correlation IDs, trace headers, access logs and `/metrics`, through the router.
@Suite("Request telemetry")
struct RequestTelemetryTests {
    static let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
    static let traceparent = "00-\(traceID)-00f067aa0ba902b7-01"

    @Test(
        "every response carries X-Request-ID, X-Correlation-ID and traceparent, errors included",
        arguments: [
            ("/health", HTTPRequest.Method.get, HTTPResponse.Status.ok),
            ("/api/v1/logs/0190c0de-0000-7000-8000-000000000000", .get, .notFound),
            ("/no/such/route", .get, .notFound), ("/api/v1/logs", .post, .unsupportedMediaType),
        ])
    func responses_carryIdentifiers(uri: String, method: HTTPRequest.Method, status: HTTPResponse.Status)
        async throws
    {
        try await withApp { client in
            let given = try await client.execute(
                uri: uri, method: method,
                headers: [
                    .requestID: "req-123", .correlationID: "order-42", HTTPField.Name("traceparent")!: Self.traceparent,
                ])
            #expect(given.status == status)
            #expect(given.headers[.requestID] == "req-123")
            #expect(given.headers[.correlationID] == "order-42")
            let parent = try #require(given.headers[HTTPField.Name("traceparent")!]).split(separator: "-")
            #expect(parent[1] == Self.traceID && parent[2] != "00f067aa0ba902b7")

            let generated = try await client.execute(uri: uri, method: method)
            let requestID = try #require(generated.headers[.requestID])
            #expect(UUID(uuidString: requestID) != nil)
            #expect(generated.headers[.correlationID] == requestID)
            #expect(generated.headers[HTTPField.Name("traceparent")!]?.hasPrefix("00-") == true)
        }
    }

    @Test(
        "request IDs that are not sane tokens are replaced",
        arguments: ["has space", "x\u{7F}y", String(repeating: "a", count: 129), "quote\"", ""])
    func insaneRequestID_isReplaced(value: String) async throws {
        try await withApp { client in
            var headers = HTTPFields()
            headers.append(HTTPField(name: .requestID, value: value))
            let response = try await client.execute(uri: "/health", method: .get, headers: headers)
            let returned = try #require(response.headers[.requestID])
            #expect(returned != value)
            #expect(UUID(uuidString: returned) != nil)
        }
    }

    @Test("a correlation ID header does not change the records a client ingests")
    func correlationHeader_leavesRecordsAlone() async throws {
        try await withApp { client in
            let body = #"[{"message": "own id", "correlation_id": "mine"}, {"message": "no id"}]"#
            let response = try await client.execute(
                uri: "/api/v1/logs", method: .post,
                headers: [.contentType: "application/json", .correlationID: "from-header"],
                body: ByteBuffer(string: body))
            #expect(response.status == .ok)
            let page = try await client.get("/api/v1/logs?q=id").json()
            let records = try #require(page["logs"] as? [[String: Any]])
            let byMessage = Dictionary(uniqueKeysWithValues: records.map { ($0["message"] as? String ?? "", $0) })
            #expect(byMessage["own id"]?["correlation_id"] as? String == "mine")
            #expect(byMessage["no id"]?["correlation_id"] == nil)
            #expect(try await client.get("/api/v1/correlations/from-header").status == .notFound)
        }
    }

    @Test("the access log line is JSON with the same request, correlation and trace IDs as the response")
    func accessLog_matchesResponse() async throws {
        let log = CapturedLog()
        try await withApp(logger: log.logger()) { client in
            let response = try await client.execute(
                uri: "/api/v1/logs/0190c0de-0000-7000-8000-000000000000", method: .get,
                headers: [.correlationID: "order-42", HTTPField.Name("traceparent")!: Self.traceparent])
            let requestID = try #require(response.headers[.requestID])
            let spanID = try #require(response.headers[HTTPField.Name("traceparent")!]).split(separator: "-")[2]
            let lines = log.all.compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
            #expect(lines.count == log.all.count, "every line is one JSON object")
            let access = try #require(
                lines.first { $0["message"] as? String == "request" && $0["request_id"] as? String == requestID })
            #expect(access["correlation_id"] as? String == "order-42")
            #expect(access["trace_id"] as? String == Self.traceID)
            #expect(access["span_id"] as? String == String(spanID))
            #expect(access["http.request.method"] as? String == "GET")
            #expect(access["http.route"] as? String == "/api/v1/logs/{id}")
            #expect(access["http.response.status_code"] as? String == "404")
            #expect(access["duration_ms"] as? String != nil)
            #expect(access["http.response.body.size"] as? String != nil)
            #expect(access["client.address"] as? String != nil)
            #expect(access["logsmith.ingest.protocol"] == nil, "a route that takes no records names no protocol")
        }
    }

    @Test("the access log of an ingest request names its protocol, as every ingest route is mapped to one")
    func accessLog_namesIngestProtocol() async throws {
        let log = CapturedLog()
        try await withApp(logger: log.logger()) { client in
            _ = try await client.ingest(#"{"message": "which protocol"}"#)
            let access = log.all.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
                .first { $0["message"] as? String == "request" && $0["http.route"] as? String == "/api/v1/logs" }
            #expect(access?["logsmith.ingest.protocol"] as? String == "native")
        }
        let routes: [String: IngestProtocol] = [
            "/api/v1/logs": .native, "/v1/logs": .otlp, "/otlp/v1/logs": .otlp, "/loki/api/v1/push": .loki,
            "/_bulk": .elasticsearch, "/{index}/_bulk": .elasticsearch, "/api/v1/upload": .upload,
        ]
        for (route, ingest) in routes { #expect(IngestProtocol(route: route) == ingest, "\(route)") }
        #expect(IngestProtocol(route: "/api/v1/search") == nil)
    }

    @Test("/metrics passes promtool, and 1,000 distinct IDs add one route series, not 1,000")
    func metrics_areValidAndBounded() async throws {
        try await withApp(configure: { ($0.searchRequestsPerSecond, $0.searchRequestsPerTenantPerSecond) = (0, 0) }) {
            client in
            var ids: [String] = []
            for _ in 0..<1000 {
                let id = UUID().uuidString.lowercased()
                ids.append(id)
                _ = try await client.get("/api/v1/logs/\(id)")
            }
            _ = try await client.ingest(#"{"message": "counted", "level": "warn"}"#)
            let response = try await client.get("/metrics")
            #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = String(buffer: response.body)
            let routeSeries = text.split(separator: "\n").filter {
                $0.hasPrefix("http_server_request_duration_seconds_count")
                    && $0.contains(#"http_route="/api/v1/logs/{id}""#)
            }
            #expect(routeSeries.count == 1)
            #expect(routeSeries.first?.hasSuffix(" 1000") == true)
            #expect(!ids.contains { text.contains($0) })
            for name in [
                "logsmith_build_info", "logsmith_ingest_records_total", "logsmith_ingest_bytes_total",
                "logsmith_ingest_batch_records_bucket", "logsmith_ingest_flush_duration_seconds_bucket",
                "logsmith_ingest_queue_records", "logsmith_store_query_duration_seconds_bucket",
                "logsmith_store_connections_in_use", "process_resident_memory_bytes", "process_cpu_seconds_total",
                "process_open_fds", "process_start_time_seconds",
            ] {
                #expect(text.contains("\n\(name)"), "missing \(name)")
            }
            #expect(text.contains(#"logsmith_ingest_records_total{tenant="default",level="warn",protocol="native"} 1"#))
            let bucketBounds = text.split(separator: "\n")
                .filter { $0.hasPrefix("http_server_request_duration_seconds_bucket") && $0.contains("{id}") }
                .compactMap { $0.split(separator: "le=\"").last?.split(separator: "\"").first }
            #expect(
                bucketBounds == [
                    "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "5.0", "10.0", "+Inf",
                ])
            try Promtool.checkMetrics(text)
        }
    }
}

/// Runs Prometheus's own `promtool` (Debian's `prometheus` package, which `scripts/test` installs).
enum Promtool {
    struct Failed: Error, CustomStringConvertible {
        var description: String
    }

    /// `promtool check metrics` on an exposition; throws with promtool's output when it objects.
    static func checkMetrics(_ exposition: String) throws {
        let input = Pipe()
        let output = Pipe()
        let process = try ChildProcess(
            "promtool", ["check", "metrics"], input: input.fileHandleForReading, output: output.fileHandleForWriting,
            error: output.fileHandleForWriting)
        try input.fileHandleForReading.close()
        try output.fileHandleForWriting.close()
        input.fileHandleForWriting.write(Data(exposition.utf8))
        try input.fileHandleForWriting.close()
        let report = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let status = process.waitUntilExit()
        guard status == 0 else {
            throw Failed(description: "promtool check metrics exited \(status): \(report)")
        }
    }
}
