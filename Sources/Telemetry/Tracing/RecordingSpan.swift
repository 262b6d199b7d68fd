import Foundation
public import Instrumentation
import Synchronization
public import Tracing
import W3CTraceContext

/// The span our tracer hands out. A sampled span collects its name, attributes, events, links and
/// status under a lock and, when it ends, goes to the span processor; an unsampled one only carries
/// its trace context (so IDs still propagate and reach logs) and records nothing.
public final class RecordingSpan: Span {
    private struct State {
        var name: String
        var attributes: SpanAttributes = [:]
        var events: [FinishedSpan.Event] = []
        var links: [FinishedSpan.Link] = []
        var status = FinishedSpan.Status()
        var ended = false
    }

    /// The context that carries this span's trace context; children start from it.
    public let context: ServiceContext
    /// Whether this span is sampled and will be exported.
    public let isRecording: Bool
    private let kind: FinishedSpan.Kind
    private let parentSpanID: SpanID?
    private let startTimeUnixNano: UInt64
    private let onEnd: (@Sendable (FinishedSpan) -> Void)?
    private let state: Mutex<State>

    init(
        name: String, kind: FinishedSpan.Kind, context: ServiceContext, parentSpanID: SpanID?,
        startTimeUnixNano: UInt64, onEnd: (@Sendable (FinishedSpan) -> Void)?
    ) {
        self.context = context
        self.kind = kind
        self.parentSpanID = parentSpanID
        self.startTimeUnixNano = startTimeUnixNano
        self.isRecording = onEnd != nil
        self.onEnd = onEnd
        self.state = Mutex(State(name: name))
    }

    /// The operation's name; may change until the span ends (the server span learns its route late).
    public var operationName: String {
        get { state.withLock { $0.name } }
        set { state.withLock { $0.name = newValue } }
    }

    /// The span's attributes.
    public var attributes: SpanAttributes {
        get { state.withLock { $0.attributes } }
        set {
            guard isRecording else { return }
            state.withLock { $0.attributes = newValue }
        }
    }

    /// Sets the status; `ok` is final, as OpenTelemetry specifies.
    public func setStatus(_ status: SpanStatus) {
        state.withLock { state in
            guard state.status.code != .ok else { return }
            switch status.code {
            case .ok: state.status = .init(code: .ok)
            case .error: state.status = .init(code: .error, message: status.message ?? "")
            }
        }
    }

    /// Adds an event.
    public func addEvent(_ event: SpanEvent) {
        guard isRecording else { return }
        let finished = FinishedSpan.Event(
            name: event.name, timeUnixNano: event.nanosecondsSinceEpoch, attributes: KeyValue.list(event.attributes))
        state.withLock { $0.events.append(finished) }
    }

    /// Records an `exception` event with the error's type and message; the status is the caller's
    /// decision (a 4xx answer is not a server error).
    public func recordError<Instant: TracerInstant>(
        _ error: any Error, attributes: SpanAttributes, at instant: @autoclosure () -> Instant
    ) {
        guard isRecording else { return }
        var eventAttributes = attributes
        eventAttributes["exception.type"] = String(describing: type(of: error))
        eventAttributes["exception.message"] = String(describing: error)
        addEvent(SpanEvent(name: "exception", at: instant(), attributes: eventAttributes))
    }

    /// Adds a link to another span.
    public func addLink(_ link: SpanLink) {
        guard isRecording, let other = link.context.traceContext else { return }
        let finished = FinishedSpan.Link(context: other, attributes: KeyValue.list(link.attributes))
        state.withLock { $0.links.append(finished) }
    }

    /// Ends the span (only the first call counts) and hands it to the processor when sampled.
    public func end<Instant: TracerInstant>(at instant: @autoclosure () -> Instant) {
        let ended: State? = state.withLock { state in
            guard !state.ended else { return nil }
            state.ended = true
            return state
        }
        guard let ended, let onEnd, let trace = context.traceContext else { return }
        onEnd(
            FinishedSpan(
                context: trace, parentSpanID: parentSpanID, name: ended.name, kind: kind,
                startTimeUnixNano: startTimeUnixNano, endTimeUnixNano: instant().nanosecondsSinceEpoch,
                attributes: KeyValue.list(ended.attributes), events: ended.events, links: ended.links,
                status: ended.status))
    }
}
