public import W3CTraceContext

/// A span that has ended: everything the exporter sends for it.
public struct FinishedSpan: Sendable {
    /// Who the span is to the other side of a call, as OTLP numbers it.
    public enum Kind: UInt64, Sendable {
        /// An operation inside the service.
        case `internal` = 1
        /// Serving a request.
        case server = 2
        /// Calling another system (a database, Redis).
        case client = 3
        /// Sending a message.
        case producer = 4
        /// Receiving a message.
        case consumer = 5
    }

    /// How the operation ended.
    public struct Status: Sendable, Equatable {
        /// The outcome, as OTLP numbers it.
        public enum Code: UInt64, Sendable {
            /// Not set.
            case unset = 0
            /// Explicitly successful.
            case ok = 1
            /// Failed.
            case error = 2
        }

        /// The outcome.
        public var code: Code
        /// A description of the error, for `.error`.
        public var message: String

        /// Creates a status.
        public init(code: Code = .unset, message: String = "") {
            self.code = code
            self.message = message
        }
    }

    /// Something that happened during the span, such as an exception.
    public struct Event: Sendable, Equatable {
        /// The event's name.
        public var name: String
        /// When it happened, in nanoseconds since the Unix epoch.
        public var timeUnixNano: UInt64
        /// What describes it.
        public var attributes: [KeyValue]

        /// Creates an event.
        public init(name: String, timeUnixNano: UInt64, attributes: [KeyValue] = []) {
            self.name = name
            self.timeUnixNano = timeUnixNano
            self.attributes = attributes
        }
    }

    /// A reference to another span this one relates to (for example, a request a batch served).
    public struct Link: Sendable {
        /// The other span's trace context.
        public var context: TraceContext
        /// What describes the relation.
        public var attributes: [KeyValue]

        /// Creates a link.
        public init(context: TraceContext, attributes: [KeyValue] = []) {
            self.context = context
            self.attributes = attributes
        }
    }

    /// The span's own trace context (trace ID, span ID, flags, state).
    public var context: TraceContext
    /// The parent span's ID; nil for a root span.
    public var parentSpanID: SpanID?
    /// The operation's name.
    public var name: String
    /// The span's kind.
    public var kind: Kind
    /// Start, in nanoseconds since the Unix epoch.
    public var startTimeUnixNano: UInt64
    /// End, in nanoseconds since the Unix epoch.
    public var endTimeUnixNano: UInt64
    /// What describes the operation.
    public var attributes: [KeyValue]
    /// What happened during it.
    public var events: [Event]
    /// Related spans.
    public var links: [Link]
    /// How it ended.
    public var status: Status

    /// Creates a finished span.
    public init(
        context: TraceContext, parentSpanID: SpanID?, name: String, kind: Kind, startTimeUnixNano: UInt64,
        endTimeUnixNano: UInt64, attributes: [KeyValue] = [], events: [Event] = [], links: [Link] = [],
        status: Status = .init()
    ) {
        self.context = context
        self.parentSpanID = parentSpanID
        self.name = name
        self.kind = kind
        self.startTimeUnixNano = startTimeUnixNano
        self.endTimeUnixNano = endTimeUnixNano
        self.attributes = attributes
        self.events = events
        self.links = links
        self.status = status
    }
}
