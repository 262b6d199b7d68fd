import Instrumentation
import Synchronization
import Telemetry
import Testing
import Tracing
import W3CTraceContext

@Suite("Span tracer")
struct SpanTracerTests {
    struct DictionaryCarrier: Extractor, Injector {
        func extract(key: String, from carrier: [String: String]) -> String? { carrier[key] }
        func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) { carrier[key] = value }
    }

    @Test("a valid traceparent becomes the parent; the injected traceparent carries the new span")
    func traceparent_roundTrip() throws {
        let tracer = SpanTracer.idsOnly
        var context = ServiceContext.topLevel
        tracer.extract(
            ["traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "tracestate": "congo=t61"],
            into: &context, using: DictionaryCarrier())
        let span = tracer.startSpan("child", context: context)
        var headers: [String: String] = [:]
        tracer.inject(span.context, into: &headers, using: DictionaryCarrier())
        let parts = try #require(headers["traceparent"]).split(separator: "-")
        #expect(parts.count == 4)
        #expect(parts[1] == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(parts[2] != "00f067aa0ba902b7")
        #expect(parts[3] == "01")
        #expect(headers["tracestate"] == "congo=t61")
    }

    @Test(
        "a malformed traceparent starts a new trace; a malformed tracestate alone is dropped",
        arguments: [
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "zz-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01", "garbage",
        ])
    func malformed_startsNewTrace(header: String) {
        var context = ServiceContext.topLevel
        SpanTracer.idsOnly.extract(["traceparent": header], into: &context, using: DictionaryCarrier())
        #expect(context.traceContext == nil)
        var withBadState = ServiceContext.topLevel
        SpanTracer.idsOnly.extract(
            ["traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "tracestate": "=,,=="],
            into: &withBadState, using: DictionaryCarrier())
        #expect(withBadState.traceContext?.traceID.description == "4bf92f3577b34da6a3ce929d0e0e4736")
    }

    @Test("finished spans carry parent, kind, attributes, events, links and status to the processor")
    func finishedSpan_reachesProcessor() async throws {
        let exporter = RecordingExporter()
        let processor = BatchSpanProcessor(
            configuration: .init(), exporter: exporter, counters: exporter.counters)
        let tracer = SpanTracer(processor: processor)
        let root = tracer.startSpan("root", context: .topLevel, ofKind: .server)
        let child = tracer.startSpan("child", context: root.context, ofKind: .client)
        child.attributes["db.system.name"] = "sqlite"
        child.attributes["rows"] = 3
        child.recordError(TestError())
        child.setStatus(SpanStatus(code: .error, message: "failed"))
        child.addLink(SpanLink(context: root.context, attributes: ["why": "test"]))
        child.end()
        child.end()
        root.end()
        try await drain(processor)
        let spans = exporter.spans
        #expect(spans.map(\.name) == ["child", "root"])
        let finished = spans[0]
        #expect(finished.kind == .client)
        #expect(finished.parentSpanID == root.context.traceContext?.spanID)
        #expect(finished.context.traceID == root.context.traceContext?.traceID)
        #expect(finished.attributes.contains(KeyValue("rows", .int(3))))
        #expect(finished.events.map(\.name) == ["exception"])
        #expect(finished.status == .init(code: .error, message: "failed"))
        #expect(finished.links.count == 1)
        #expect(spans[1].parentSpanID == nil)
    }

    @Test("always_off records nothing but still gives spans IDs; parentbased follows the parent's flag")
    func sampling_decidesRecording() throws {
        let exporter = RecordingExporter()
        let processor = BatchSpanProcessor(configuration: .init(), exporter: exporter, counters: exporter.counters)
        let off = SpanTracer(sampler: try Sampler(name: "always_off", argument: nil), processor: processor)
        let unsampled = off.startSpan("x", context: .topLevel)
        #expect(!unsampled.isRecording)
        #expect(unsampled.context.traceContext != nil)

        let parentBased = SpanTracer(
            sampler: try Sampler(name: "parentbased_always_off", argument: nil), processor: processor)
        var sampledParent = ServiceContext.topLevel
        sampledParent.traceContext = try TraceContext(
            traceParentHeaderValue: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
        #expect(parentBased.startSpan("y", context: sampledParent).isRecording)
        #expect(!parentBased.startSpan("z", context: .topLevel).isRecording)
    }

    @Test("traceidratio keeps about the given share of random traces, and the same decision per trace ID")
    func ratio_keepsShare() throws {
        let sampler = try Sampler(name: "traceidratio", argument: "0.25")
        let ids = (0..<4000).map { _ in TraceID.random() }
        let kept = ids.filter { sampler.shouldSample(traceID: $0, parent: nil) }.count
        #expect((800...1200).contains(kept))
        #expect(
            ids.allSatisfy {
                sampler.shouldSample(traceID: $0, parent: nil) == sampler.shouldSample(traceID: $0, parent: nil)
            })
        #expect(!(try Sampler(name: "traceidratio", argument: "0")).shouldSample(traceID: ids[0], parent: nil))
        #expect(try Sampler(name: "traceidratio", argument: "1").shouldSample(traceID: ids[0], parent: nil))
    }

    @Test("unknown sampler names and bad ratios are refused, naming the variable")
    func sampler_refusesBadSettings() {
        #expect(throws: TelemetryConfigurationError.self) { try Sampler(name: "sometimes", argument: nil) }
        #expect(throws: TelemetryConfigurationError.self) { try Sampler(name: "traceidratio", argument: "2") }
        #expect(throws: TelemetryConfigurationError.self) { try Sampler(name: "traceidratio", argument: "x") }
    }

    struct TestError: Error {}
}
