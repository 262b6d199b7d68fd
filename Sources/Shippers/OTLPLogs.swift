import Foundation
public import LogModel
import SwiftProtobuf
import WireFormats

/// OTLP/HTTP logs (`ExportLogsServiceRequest`, protobuf or OTLP/JSON) as the JSON objects our own
/// route takes, so that each record is validated and stored exactly as one sent there would be.
///
/// `service.name`, `host.name` and `deployment.environment.name` (or the older
/// `deployment.environment`) of the resource become `service`, `host` and `environment`; resource,
/// scope and record attributes, in that order of precedence, become `attributes` under their keys
/// as sent, with the scope's name and version as `otel.scope.name` and `otel.scope.version` and
/// the record's `event_name` as `event_name`. A string body is the message; any other body is
/// kept as `attributes.body` and written as JSON for the message.
public enum OTLPLogs {
    /// The two encodings of OTLP/HTTP.
    public enum Encoding: Sendable {
        case protobuf
        case json

        /// The encoding of a `Content-Type` value, or nil when OTLP/HTTP has none of that type.
        public init?(contentType: String?) {
            let mediaType = contentType?.split(separator: ";").first?.trimmingBlanks.lowercased()
            switch mediaType {
            case "application/x-protobuf": self = .protobuf
            case "application/json": self = .json
            default: return nil
            }
        }

        /// The `Content-Type` of an answer in this encoding.
        public var contentType: String { self == .protobuf ? "application/x-protobuf" : "application/json" }
    }

    /// A body that is not an `ExportLogsServiceRequest` in its encoding.
    public struct InvalidRequest: Error, CustomStringConvertible {
        /// What the decoder said.
        public var description: String
    }

    /// The records of an `ExportLogsServiceRequest` body, in the order they come.
    /// - Throws: ``InvalidRequest`` when the body does not decode.
    public static func records(_ body: [UInt8], _ encoding: Encoding) throws(InvalidRequest) -> [JSONValue] {
        let request: Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest
        do {
            switch encoding {
            case .protobuf:
                request = try .init(serializedBytes: body)
            case .json:
                var options = JSONDecodingOptions()
                options.ignoreUnknownFields = true
                request = try .init(jsonUTF8Bytes: body, options: options)
            }
        } catch {
            throw InvalidRequest(description: String(describing: error))
        }
        if encoding == .json { try checkJSONIdentifiers(request) }
        return request.resourceLogs.flatMap { resourceLogs in
            let resource = resourceLogs.resource.attributes
            return resourceLogs.scopeLogs.flatMap { scopeLogs in
                var shared = Self.attributes(resource.filter { !Self.resourceColumns.contains($0.key) })
                shared.merge(Self.attributes(scopeLogs.scope.attributes)) { _, scope in scope }
                if !scopeLogs.scope.name.isEmpty { shared["otel.scope.name"] = .string(scopeLogs.scope.name) }
                if !scopeLogs.scope.version.isEmpty { shared["otel.scope.version"] = .string(scopeLogs.scope.version) }
                return scopeLogs.logRecords.map { record($0, resource: resource, shared: shared, encoding: encoding) }
            }
        }
    }

    /// Checks that every ID of an OTLP/JSON request was hex (see ``identifier(_:_:)``).
    private static func checkJSONIdentifiers(
        _ request: Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest
    ) throws(InvalidRequest) {
        for resourceLogs in request.resourceLogs {
            for scopeLogs in resourceLogs.scopeLogs {
                for (position, log) in scopeLogs.logRecords.enumerated() {
                    for (name, id, hexDigits) in [("traceId", log.traceID, 32), ("spanId", log.spanID, 16)]
                    where !id.isEmpty && Hex.decode(id.base64EncodedString())?.count != hexDigits / 2 {
                        throw InvalidRequest(
                            description: "logRecords[\(position)].\(name) must be \(hexDigits) hex digits")
                    }
                }
            }
        }
    }

    /// The body of a successful answer: `partial_success` with the count and reasons of the
    /// records not stored, when there are any.
    public static func response(rejected: Int, errorMessage: String, _ encoding: Encoding) -> [UInt8] {
        var response = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceResponse()
        if rejected > 0 {
            response.partialSuccess.rejectedLogRecords = Int64(rejected)
            response.partialSuccess.errorMessage = errorMessage
        }
        return encode(response, encoding)
    }

    /// The body of an error answer, a `google.rpc.Status` with the gRPC code of the HTTP status.
    public static func status(httpStatus: Int, message: String, _ encoding: Encoding) -> [UInt8] {
        var status = Google_Rpc_Status()
        status.code = grpcCode(httpStatus: httpStatus)
        status.message = message
        return encode(status, encoding)
    }

    private static let resourceColumns: Set<String> = [
        "service.name", "host.name", "deployment.environment.name", "deployment.environment",
    ]

    private static func record(
        _ log: Opentelemetry_Proto_Logs_V1_LogRecord, resource: [Opentelemetry_Proto_Common_V1_KeyValue],
        shared: [String: JSONValue], encoding: Encoding
    ) -> JSONValue {
        var attributes = shared
        attributes.merge(Self.attributes(log.attributes)) { _, record in record }
        var fields: [String: JSONValue] = [:]
        for (column, keys) in [
            ("service", ["service.name"]), ("host", ["host.name"]),
            ("environment", ["deployment.environment.name", "deployment.environment"]),
        ] {
            fields[column] =
                keys.lazy.compactMap { key in resource.first { $0.key == key }.map { text($0.value) } }.first
        }
        if !log.eventName.isEmpty { attributes["event_name"] = .string(log.eventName) }
        switch log.body.value {
        case .stringValue(let text):
            fields["message"] = .string(text)
        case nil:
            fields["message"] = .string(log.eventName.isEmpty ? JSONValue.object(attributes).jsonText : log.eventName)
        default:
            let body = json(log.body)
            attributes["body"] = body
            fields["message"] = .string(body.jsonText)
        }
        let severity = Int(log.severityNumber.rawValue)
        if (1...24).contains(severity) { fields["severity_number"] = .integer(Int64(severity)) }
        if !log.severityText.isEmpty {
            if LogLevel(spelling: log.severityText) != nil {
                fields["level"] = .string(log.severityText)
            } else {
                attributes["severity_text"] = .string(log.severityText)
            }
        }
        if let nanoseconds = [log.timeUnixNano, log.observedTimeUnixNano].first(where: { $0 > 0 }) {
            fields["timestamp"] = .string(Timestamp(microseconds: Int64(nanoseconds / 1000)).rfc3339)
        }
        fields["trace_id"] = identifier(log.traceID, encoding)
        fields["span_id"] = identifier(log.spanID, encoding)
        fields["attributes"] = .object(attributes)
        return .object(fields)
    }

    /// Attributes as JSON members; a key sent twice keeps its last value.
    private static func attributes(_ pairs: [Opentelemetry_Proto_Common_V1_KeyValue]) -> [String: JSONValue] {
        Dictionary(pairs.map { ($0.key, json($0.value)) }) { _, last in last }
    }

    private static func json(_ value: Opentelemetry_Proto_Common_V1_AnyValue) -> JSONValue {
        switch value.value {
        case .stringValue(let text): .string(text)
        case .boolValue(let flag): .bool(flag)
        case .intValue(let number): .integer(number)
        case .doubleValue(let number): number.isFinite ? .double(number) : .string(String(number))
        case .arrayValue(let array): .array(array.values.map(json))
        case .kvlistValue(let list): .object(attributes(list.values))
        case .bytesValue(let bytes): .string(bytes.base64EncodedString())
        case .stringValueStrindex, nil: .null
        }
    }

    private static func text(_ value: Opentelemetry_Proto_Common_V1_AnyValue) -> JSONValue {
        if case .stringValue(let text) = value.value { return .string(text) }
        let json = json(value)
        return json == .null ? .null : .string(json.jsonText)
    }

    /// A trace or span ID as lowercase hex, nil when absent or all zeros.
    ///
    /// OTLP/JSON sends IDs as hex where protobuf's JSON mapping expects base64, and the decoder reads
    /// the hex text as base64. Hex IDs are 32 or 16 characters, whole groups of four, so encoding
    /// the decoded bytes as base64 gives the text back exactly, and that text is the ID (a request
    /// whose text was not hex is refused before this).
    private static func identifier(_ bytes: Data, _ encoding: Encoding) -> JSONValue? {
        let raw = encoding == .json ? Hex.decode(bytes.base64EncodedString()) ?? [] : Array(bytes)
        guard raw.contains(where: { $0 != 0 }) else { return nil }
        return .string(Hex.encode(raw))
    }

    private static func encode(_ message: some SwiftProtobuf.Message, _ encoding: Encoding) -> [UInt8] {
        // Encoding a message built here cannot fail: it has no Any fields and no required ones.
        switch encoding {
        case .protobuf: (try? message.serializedBytes()) ?? []
        case .json: (try? message.jsonUTF8Bytes()) ?? []
        }
    }

    /// The gRPC status code the OTLP/HTTP specification pairs with an HTTP status.
    private static func grpcCode(httpStatus: Int) -> Int32 {
        switch httpStatus {
        case 400, 413, 415: 3
        case 401: 16
        case 403: 7
        case 429: 8
        case 503: 14
        default: 13
        }
    }
}
