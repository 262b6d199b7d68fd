import Instrumentation
public import Logging
import W3CTraceContext

extension Logger.MetadataProvider {
    /// Adds `request_id`, `correlation_id`, `trace_id` and `span_id` from the current task's
    /// service context to every log line written while a request is being served.
    public static let requestContext = Logger.MetadataProvider {
        guard let context = ServiceContext.current else { return [:] }
        var metadata: Logger.Metadata = [:]
        if let requestID = context.requestID { metadata["request_id"] = .string(requestID) }
        if let correlationID = context.correlationID { metadata["correlation_id"] = .string(correlationID) }
        if let trace = context.traceContext {
            metadata["trace_id"] = .string(trace.traceID.description)
            metadata["span_id"] = .string(trace.spanID.description)
        }
        return metadata
    }
}
