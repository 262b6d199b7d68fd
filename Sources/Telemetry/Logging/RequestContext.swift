public import Instrumentation
public import W3CTraceContext

/// The identifiers a request carries through every log line and span it causes.
extension ServiceContext {
    /// The request's ID: the caller's `X-Request-ID` when it is a sane token, else generated.
    public var requestID: String? {
        get { self[RequestIDKey.self] }
        set { self[RequestIDKey.self] = newValue }
    }

    /// The correlation ID: the caller's `X-Correlation-ID`, else the request ID.
    public var correlationID: String? {
        get { self[CorrelationIDKey.self] }
        set { self[CorrelationIDKey.self] = newValue }
    }

    /// The W3C trace context of the current span (or of the remote parent, before a span starts).
    public var traceContext: TraceContext? {
        get { self[TraceContextKey.self] }
        set { self[TraceContextKey.self] = newValue }
    }
}

private enum RequestIDKey: ServiceContextKey {
    typealias Value = String
}

private enum CorrelationIDKey: ServiceContextKey {
    typealias Value = String
}

private enum TraceContextKey: ServiceContextKey {
    typealias Value = TraceContext
}
