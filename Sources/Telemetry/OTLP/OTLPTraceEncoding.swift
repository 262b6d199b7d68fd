import W3CTraceContext

/// Encodes spans as an OTLP `ExportTraceServiceRequest`, field numbers from
/// opentelemetry-proto (`opentelemetry/proto/collector/trace/v1/trace_service.proto`,
/// `trace/v1/trace.proto`, `common/v1/common.proto`, `resource/v1/resource.proto`).
///
/// Fields are written in field-number order and proto3 defaults are left out, as the reference
/// implementations do, so the bytes match theirs exactly.
public struct OTLPTraceEncoding: Sendable {
    /// Resource attributes: `service.name` and the rest of what describes this process.
    public var resource: [KeyValue]
    /// The instrumentation scope's name.
    public var scopeName: String
    /// The instrumentation scope's version.
    public var scopeVersion: String

    /// Creates an encoder for one resource and scope.
    public init(resource: [KeyValue], scopeName: String, scopeVersion: String) {
        self.resource = resource
        self.scopeName = scopeName
        self.scopeVersion = scopeVersion
    }

    /// The request body for a batch of spans.
    public func request(_ spans: [FinishedSpan]) -> [UInt8] {
        var writer = ProtobufWriter()
        writer.message(1) { resourceSpans in
            resourceSpans.message(1) { resource in
                for attribute in self.resource { resource.message(1) { Self.keyValue(attribute, into: &$0) } }
            }
            resourceSpans.message(2) { scopeSpans in
                scopeSpans.message(1) { scope in
                    if !scopeName.isEmpty { scope.string(1, scopeName) }
                    if !scopeVersion.isEmpty { scope.string(2, scopeVersion) }
                }
                for span in spans { scopeSpans.message(2) { Self.span(span, into: &$0) } }
            }
        }
        return writer.bytes
    }

    private static func span(_ span: FinishedSpan, into writer: inout ProtobufWriter) {
        writer.bytes(1, bytes(of: span.context.traceID))
        writer.bytes(2, bytes(of: span.context.spanID))
        if let state = span.context.traceStateHeaderValue, !state.isEmpty { writer.string(3, state) }
        if let parent = span.parentSpanID { writer.bytes(4, bytes(of: parent)) }
        if !span.name.isEmpty { writer.string(5, span.name) }
        writer.varint(6, span.kind.rawValue)
        if span.startTimeUnixNano != 0 { writer.fixed64(7, span.startTimeUnixNano) }
        if span.endTimeUnixNano != 0 { writer.fixed64(8, span.endTimeUnixNano) }
        for attribute in span.attributes { writer.message(9) { keyValue(attribute, into: &$0) } }
        for event in span.events {
            writer.message(11) { eventWriter in
                if event.timeUnixNano != 0 { eventWriter.fixed64(1, event.timeUnixNano) }
                if !event.name.isEmpty { eventWriter.string(2, event.name) }
                for attribute in event.attributes { eventWriter.message(3) { keyValue(attribute, into: &$0) } }
            }
        }
        for link in span.links {
            writer.message(13) { linkWriter in
                linkWriter.bytes(1, bytes(of: link.context.traceID))
                linkWriter.bytes(2, bytes(of: link.context.spanID))
                if let state = link.context.traceStateHeaderValue, !state.isEmpty { linkWriter.string(3, state) }
                for attribute in link.attributes { linkWriter.message(4) { keyValue(attribute, into: &$0) } }
                if link.context.flags.rawValue != 0 { linkWriter.fixed32(6, UInt32(link.context.flags.rawValue)) }
            }
        }
        if span.status.code != .unset || !span.status.message.isEmpty {
            writer.message(15) { status in
                if !span.status.message.isEmpty { status.string(2, span.status.message) }
                if span.status.code != .unset { status.varint(3, span.status.code.rawValue) }
            }
        }
        if span.context.flags.rawValue != 0 { writer.fixed32(16, UInt32(span.context.flags.rawValue)) }
    }

    private static func keyValue(_ attribute: KeyValue, into writer: inout ProtobufWriter) {
        if !attribute.key.isEmpty { writer.string(1, attribute.key) }
        writer.message(2) { anyValue(attribute.value, into: &$0) }
    }

    private static func anyValue(_ value: AttributeValue, into writer: inout ProtobufWriter) {
        switch value {
        case .string(let text): writer.string(1, text)
        case .bool(let flag): writer.bool(2, flag)
        case .int(let number): writer.int64(3, number)
        case .double(let number): writer.double(4, number)
        case .array(let values):
            writer.message(5) { array in
                for element in values { array.message(1) { anyValue(element, into: &$0) } }
            }
        case .keyValueList(let members):
            writer.message(6) { list in
                for member in members { list.message(1) { keyValue(member, into: &$0) } }
            }
        case .bytes(let data): writer.bytes(7, data)
        }
    }

    private static func bytes(of id: TraceID) -> [UInt8] {
        withUnsafeBytes(of: id.bytes) { Array($0) }
    }

    private static func bytes(of id: SpanID) -> [UInt8] {
        withUnsafeBytes(of: id.bytes) { Array($0) }
    }
}
