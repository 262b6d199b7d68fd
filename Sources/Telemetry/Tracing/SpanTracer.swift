public import Instrumentation
public import Tracing
import W3CTraceContext

/// Our swift-distributed-tracing `Tracer`: W3C trace context in and out, sampling, and finished
/// spans handed to a ``BatchSpanProcessor``. Hummingbird's, postgres-nio's and our own spans all go
/// through it once it is bootstrapped as the instrumentation system's tracer.
///
/// Without a processor (tracing disabled, or no endpoint) spans still get IDs, so `traceparent`
/// propagates and logs carry `trace_id`, but nothing is recorded or exported.
public struct SpanTracer: Tracer {
    /// The span type this tracer makes.
    public typealias Span = RecordingSpan

    private let sampler: Sampler
    private let processor: BatchSpanProcessor?

    /// Creates a tracer.
    /// - Parameters:
    ///   - sampler: which new traces are recorded.
    ///   - processor: where sampled spans go when they end; nil records nothing.
    public init(sampler: Sampler = .parentBasedAlwaysOn, processor: BatchSpanProcessor?) {
        self.sampler = sampler
        self.processor = processor
    }

    /// A tracer that records nothing; spans still get IDs.
    public static let idsOnly = SpanTracer(processor: nil)

    /// Starts a span as a child of the trace context in `context`, or as a new trace's root.
    public func startSpan<Instant: TracerInstant>(
        _ operationName: String, context: @autoclosure () -> ServiceContext, ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant, function: String, file fileID: String, line: UInt
    ) -> RecordingSpan {
        var spanContext = context()
        let parent = spanContext.traceContext
        let traceID = parent?.traceID ?? TraceID.random()
        let sampled = sampler.shouldSample(traceID: traceID, parent: parent)
        spanContext.traceContext = TraceContext(
            traceID: traceID, spanID: SpanID.random(), flags: sampled ? .sampled : [],
            state: parent?.state ?? TraceState())
        let onEnd: (@Sendable (FinishedSpan) -> Void)? =
            if sampled, let processor { { processor.enqueue($0) } } else { nil }
        return RecordingSpan(
            name: operationName, kind: Self.kind(kind), context: spanContext, parentSpanID: parent?.spanID,
            startTimeUnixNano: instant().nanosecondsSinceEpoch, onEnd: onEnd)
    }

    /// Asks the processor to export what it holds now.
    public func forceFlush() {
        processor?.requestExport()
    }

    /// Reads `traceparent` and `tracestate`. A malformed `traceparent` is ignored (a new trace
    /// starts); a malformed `tracestate` alone is dropped, keeping the parent.
    public func extract<Carrier, Extract: Extractor>(
        _ carrier: Carrier, into context: inout ServiceContext, using extractor: Extract
    ) where Extract.Carrier == Carrier {
        guard let parent = extractor.extract(key: "traceparent", from: carrier) else { return }
        let state = extractor.extract(key: "tracestate", from: carrier)
        context.traceContext =
            (try? TraceContext(traceParentHeaderValue: parent, traceStateHeaderValue: state))
            ?? (try? TraceContext(traceParentHeaderValue: parent))
    }

    /// Writes `traceparent` and, when not empty, `tracestate`.
    public func inject<Carrier, Inject: Injector>(
        _ context: ServiceContext, into carrier: inout Carrier, using injector: Inject
    ) where Inject.Carrier == Carrier {
        guard let trace = context.traceContext else { return }
        injector.inject(trace.traceParentHeaderValue, forKey: "traceparent", into: &carrier)
        if let state = trace.traceStateHeaderValue, !state.isEmpty {
            injector.inject(state, forKey: "tracestate", into: &carrier)
        }
    }

    private static func kind(_ kind: SpanKind) -> FinishedSpan.Kind {
        switch kind {
        case .server: .server
        case .client: .client
        case .producer: .producer
        case .consumer: .consumer
        default: .internal
        }
    }
}
