import Telemetry
import TestSupport
import Testing

/// The exporter against the fake collector, which decodes with the official opentelemetry-proto.
@Suite("OTLP/HTTP exporter")
struct OTLPHTTPExporterTests {
    let encoding = OTLPTraceEncodingTests().encoding

    @Test("gzip bodies with custom headers are decoded by the official package, every attribute kind intact")
    func gzipWithHeaders_decodes() async throws {
        let collector = try FakeCollector()
        var configuration = OTLPHTTPExporter.Configuration(endpoint: collector.endpoint + "/v1/traces")
        configuration.gzip = true
        configuration.headers = [("x-api-key", "collector-secret")]
        try await OTLPHTTPExporter(configuration: configuration, encoding: encoding)
            .export([try OTLPTraceEncodingTests.everyKindSpan()])
        let received = try await collector.received()
        let request = try #require(received.requests.first)
        #expect(request.headers["content-encoding"] == "gzip")
        #expect(request.headers["content-type"] == "application/x-protobuf")
        #expect(request.headers["x-api-key"] == "collector-secret")
        let span = try #require(received.spans.first)
        #expect(span.trace_id == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(span.parent_span_id == "a3ce929d0e0e4736")
        #expect(span.kind == "SPAN_KIND_SERVER")
        let kinds = Set((span.attributes ?? []).flatMap { $0.value.keys })
        #expect(
            kinds == [
                "string_value", "bool_value", "int_value", "double_value", "array_value", "kvlist_value", "bytes_value",
            ])
        #expect(span.attribute("c.int") == "-42")
        #expect(span.resource.attributes.map(\.key) == ["service.name", "service.version"])
    }

    @Test("429 with Retry-After is retried after the delay the collector asked for")
    func throttled_retriesAfterDelay() async throws {
        let collector = try FakeCollector(arguments: ["--throttle", "1"])
        var configuration = OTLPHTTPExporter.Configuration(endpoint: collector.endpoint + "/v1/traces")
        configuration.initialBackoff = .milliseconds(10)
        try await OTLPHTTPExporter(configuration: configuration, encoding: encoding)
            .export([try OTLPTraceEncodingTests.minimalSpan()])
        let received = try await collector.received()
        #expect(received.requests.map(\.status) == [429, 200])
        #expect(received.requests[1].time - received.requests[0].time >= 0.9)
        #expect(received.spans.map(\.name) == ["ingest.flush"])
    }

    @Test("an endpoint nobody listens on fails the export once the timeout is spent")
    func unreachable_fails() async throws {
        var configuration = OTLPHTTPExporter.Configuration(endpoint: "http://127.0.0.1:9/v1/traces")
        configuration.timeout = .seconds(1)
        configuration.initialBackoff = .milliseconds(50)
        await #expect(throws: OTLPHTTPExporter.ExportFailed.self) {
            try await OTLPHTTPExporter(configuration: configuration, encoding: encoding)
                .export([try OTLPTraceEncodingTests.minimalSpan()])
        }
    }
}
