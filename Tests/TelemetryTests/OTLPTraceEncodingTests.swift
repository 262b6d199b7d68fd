import Foundation
import Telemetry
import Testing
import W3CTraceContext

/// The hand-written encoder against bytes the official opentelemetry-proto package produced for the
/// same spans (`Tests/otlp/make_fixtures.py`).
@Suite("OTLP trace encoding")
struct OTLPTraceEncodingTests {
    let encoding = OTLPTraceEncoding(
        resource: [KeyValue("service.name", .string("logsmith")), KeyValue("service.version", .string("0.1.0"))],
        scopeName: "logsmith", scopeVersion: "0.1.0")

    @Test("a span with every attribute kind, an event, a link and an error status matches the reference bytes")
    func everyKind_matchesReference() throws {
        #expect(encoding.request([try Self.everyKindSpan()]) == (try Self.fixture("every-kind")))
    }

    @Test("a root span with nothing optional matches the reference bytes")
    func minimal_matchesReference() throws {
        #expect(encoding.request([try Self.minimalSpan()]) == (try Self.fixture("minimal")))
    }

    @Test("several spans share one resource and scope, in order")
    func twoSpans_matchReference() throws {
        #expect(
            encoding.request([try Self.everyKindSpan(), try Self.minimalSpan()]) == (try Self.fixture("two-spans")))
    }

    static func fixture(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "bin", subdirectory: "Fixtures"))
        return Array(try Data(contentsOf: url))
    }

    static func context(_ traceID: String, _ spanID: String, flags: TraceFlags, state: String? = nil) throws
        -> TraceContext
    {
        try TraceContext(
            traceParentHeaderValue: "00-\(traceID)-\(spanID)-0\(flags.rawValue)", traceStateHeaderValue: state)
    }

    static func everyKindSpan() throws -> FinishedSpan {
        let parent = try context("4bf92f3577b34da6a3ce929d0e0e4736", "a3ce929d0e0e4736", flags: .sampled)
        return FinishedSpan(
            context: try context(
                "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", flags: .sampled, state: "congo=t61rcWkgMzE"),
            parentSpanID: parent.spanID, name: "GET /api/v1/logs/{id}", kind: .server,
            startTimeUnixNano: 1_700_000_000_123_456_789, endTimeUnixNano: 1_700_000_000_223_456_789,
            attributes: [
                KeyValue("a.string", .string("héllo")),
                KeyValue("b.bool", .bool(false)),
                KeyValue("c.int", .int(-42)),
                KeyValue("d.double", .double(0.25)),
                KeyValue("e.array", .array([.int(1), .string("two")])),
                KeyValue("f.kvlist", .keyValueList([KeyValue("inner", .bool(true))])),
                KeyValue("g.bytes", .bytes([0x00, 0x01, 0xFF])),
                KeyValue("h.empty", .string("")),
                KeyValue("i.zero", .int(0)),
            ],
            events: [
                .init(
                    name: "exception", timeUnixNano: 1_700_000_000_200_000_000,
                    attributes: [KeyValue("exception.type", .string("StoreError"))])
            ],
            links: [
                .init(
                    context: try context("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", flags: .sampled),
                    attributes: [KeyValue("logsmith.link", .string("request"))])
            ],
            status: .init(code: .error, message: "boom"))
    }

    static func minimalSpan() throws -> FinishedSpan {
        FinishedSpan(
            context: try context("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", flags: []),
            parentSpanID: nil, name: "ingest.flush", kind: .internal, startTimeUnixNano: 1, endTimeUnixNano: 2)
    }
}
