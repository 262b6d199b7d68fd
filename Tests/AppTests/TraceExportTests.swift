import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TestSupport
import Testing

/// The real binary exporting its spans to the fake collector, which decodes them with the official
/// opentelemetry-proto package.
@Suite("Trace export", .serialized)
struct TraceExportTests {
    static let traceID = "0af7651916cd43dd8448eb211c80319c"
    static let parentSpanID = "b7ad6b7169203331"

    static func environment(_ kind: StoreKind, collector: String, _ extra: [String: String] = [:]) throws
        -> [String: String]
    {
        var environment = [
            "LOGSMITH_DATABASE_URL": "", "LOGSMITH_AUTH": "off", "OTEL_EXPORTER_OTLP_ENDPOINT": collector,
            "OTEL_BSP_SCHEDULE_DELAY": "100", "OTEL_RESOURCE_ATTRIBUTES": "deployment.environment=test",
        ]
        if kind == .postgres { environment["LOGSMITH_DATABASE_URL"] = try testDatabaseURL() }
        return environment.merging(extra) { $1 }
    }

    static var traced: HTTPFields {
        [HTTPField.Name("traceparent")!: "00-\(traceID)-\(parentSpanID)-01"]
    }

    @Test(
        "a traced ingest and search arrive as server spans under the caller's span, with batch and DB children",
        arguments: StoreKind.allCases)
    func tracedRequests_reachCollector(kind: StoreKind) async throws {
        let collector = try FakeCollector()
        try await withTemporaryDirectory { directory in
            let server = try await ServerProcess(
                dataDirectory: directory, environment: try Self.environment(kind, collector: collector.endpoint))
            defer { server.terminate() }
            try await TestClient.withClient(host: "127.0.0.1", port: server.port) { http in
                var headers = Self.traced
                headers[.contentType] = "application/json"
                let ingest = try await http.post(
                    "/api/v1/logs", headers: headers, body: ByteBuffer(string: #"{"message": "traced record"}"#))
                #expect(ingest.status == .ok)
                let search = try await http.get("/api/v1/logs?q=traced", headers: Self.traced)
                #expect(search.status == .ok)
            }
            let received = try await collector.waitFor { received in
                let names = Set(received.spans.filter { $0.trace_id == Self.traceID }.map(\.name))
                return names.isSuperset(of: [
                    "POST /api/v1/logs", "ingest.flush", "INSERT", "GET /api/v1/logs", "SELECT",
                ])
            }
            let spans = received.spans.filter { $0.trace_id == Self.traceID }
            let ingest = try #require(spans.first { $0.name == "POST /api/v1/logs" })
            #expect(ingest.kind == "SPAN_KIND_SERVER")
            #expect(ingest.parent_span_id == Self.parentSpanID)
            #expect(ingest.attribute("http.request.method") == "POST")
            #expect(ingest.attribute("http.route") == "/api/v1/logs")
            #expect(ingest.attribute("url.path") == "/api/v1/logs")
            #expect(ingest.attribute("http.response.status_code") == "200")
            #expect(ingest.attribute("client.address") == "127.0.0.1")
            #expect(ingest.attribute("server.port") == String(server.port))

            let flush = try #require(spans.first { $0.name == "ingest.flush" })
            #expect(flush.parent_span_id == ingest.span_id)
            #expect(flush.kind == "SPAN_KIND_INTERNAL")
            #expect(flush.attribute("logsmith.batch.records") == "1")
            let insert = try #require(spans.first { $0.parent_span_id == flush.span_id && $0.name == "INSERT" })
            #expect(insert.kind == "SPAN_KIND_CLIENT")
            #expect(insert.attribute("db.system.name") == (kind == .sqlite ? "sqlite" : "postgresql"))
            #expect(insert.attribute("db.operation.name") == "INSERT")
            #expect(insert.attribute("db.query.text")?.contains("traced record") == false)

            let search = try #require(spans.first { $0.name == "GET /api/v1/logs" })
            #expect(search.parent_span_id == Self.parentSpanID)
            let select = try #require(spans.first { $0.parent_span_id == search.span_id })
            #expect(select.attribute("db.operation.name") == "SELECT")

            let resource = Dictionary(
                uniqueKeysWithValues: ingest.resource.attributes.map { ($0.key, $0.value.values.first?.text ?? "") })
            #expect(resource["service.name"] == "logsmith")
            #expect(resource["service.version"]?.isEmpty == false)
            #expect(resource["service.instance.id"]?.isEmpty == false)
            #expect(resource["host.name"]?.isEmpty == false)
            #expect(resource["deployment.environment"] == "test")
        }
    }

    @Test(
        "a collector that is down or hangs never fails a request; the spans it cannot take are counted",
        arguments: ["down", "slow"])
    func unhealthyCollector_countsDrops(condition: String) async throws {
        let slow = condition == "slow" ? try FakeCollector(arguments: ["--slow", "30"]) : nil
        let endpoint = slow?.endpoint ?? "http://127.0.0.1:9"
        try await withTemporaryDirectory { directory in
            let server = try await ServerProcess(
                dataDirectory: directory,
                environment: try Self.environment(
                    .sqlite, collector: endpoint,
                    ["OTEL_BSP_MAX_QUEUE_SIZE": "8", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE": "4"]))
            defer { server.kill() }
            try await TestClient.withClient(host: "127.0.0.1", port: server.port) { http in
                for _ in 0..<60 {
                    let response = try await http.get("/health")
                    #expect(response.status == .ok)
                }
                let metrics = String(buffer: try await http.get("/metrics").body ?? ByteBuffer())
                let dropped = metrics.split(separator: "\n").first {
                    $0.hasPrefix("logsmith_otel_spans_dropped_total ")
                }
                let count = dropped.flatMap { Int($0.split(separator: " ")[1]) } ?? 0
                #expect(count >= 40, "dropped: \(dropped ?? "none")")
            }
        }
    }

    @Test("graceful shutdown exports spans still waiting for the schedule")
    func shutdown_flushesSpans() async throws {
        let collector = try FakeCollector()
        try await withTemporaryDirectory { directory in
            let server = try await ServerProcess(
                dataDirectory: directory,
                environment: try Self.environment(
                    .sqlite, collector: collector.endpoint, ["OTEL_BSP_SCHEDULE_DELAY": "600000"]))
            try await TestClient.withClient(host: "127.0.0.1", port: server.port) { http in
                let response = try await http.get("/health", headers: Self.traced)
                #expect(response.status == .ok)
            }
            #expect(try await collector.received().spans.isEmpty)
            server.terminate()
            let received = try await collector.received()
            #expect(received.spans.contains { $0.trace_id == Self.traceID && $0.name == "GET /health" })
        }
    }
}
