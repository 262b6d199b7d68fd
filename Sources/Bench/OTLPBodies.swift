import Foundation
import LogModel
import SwiftProtobuf
import WireFormats

/// The workload's records as OTLP/HTTP protobuf bodies (`ExportLogsServiceRequest`), grouped by
/// resource as an OpenTelemetry SDK or Collector sends them: one `ResourceLogs` per service, host and
/// environment, the rest of each record in its `LogRecord`.
enum OTLPBodies {
    /// One request body holding `records`.
    static func body(_ records: [JSONValue]) throws -> [UInt8] {
        var groups: [[String]: [Opentelemetry_Proto_Logs_V1_LogRecord]] = [:]
        var order: [[String]] = []
        for case .object(let fields) in records {
            let resource = ["service", "host", "environment"].map { fields[$0]?.text ?? "" }
            if groups[resource] == nil { order.append(resource) }
            groups[resource, default: []].append(logRecord(fields))
        }
        var request = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest()
        request.resourceLogs = order.map { resource in
            var resourceLogs = Opentelemetry_Proto_Logs_V1_ResourceLogs()
            resourceLogs.resource.attributes = zip(
                ["service.name", "host.name", "deployment.environment.name"], resource
            )
            .filter { !$0.1.isEmpty }.map { keyValue($0.0, .string($0.1)) }
            var scopeLogs = Opentelemetry_Proto_Logs_V1_ScopeLogs()
            scopeLogs.scope.name = "logsmith-bench"
            scopeLogs.logRecords = groups[resource] ?? []
            resourceLogs.scopeLogs = [scopeLogs]
            return resourceLogs
        }
        return try request.serializedBytes()
    }

    private static func logRecord(_ fields: [String: JSONValue]) -> Opentelemetry_Proto_Logs_V1_LogRecord {
        var log = Opentelemetry_Proto_Logs_V1_LogRecord()
        log.body.stringValue = fields["message"]?.text ?? ""
        log.severityText = fields["level"]?.text ?? ""
        if let text = fields["timestamp"]?.text, let timestamp = Timestamp(rfc3339: text) {
            log.timeUnixNano = UInt64(timestamp.microseconds) * 1000
        }
        log.traceID = Data(fields["trace_id"]?.text.flatMap(Hex.decode) ?? [])
        log.spanID = Data(fields["span_id"]?.text.flatMap(Hex.decode) ?? [])
        var attributes: [String: JSONValue] = [:]
        if case .object(let members) = fields["attributes"] { attributes = members }
        if let correlation = fields["correlation_id"] { attributes["correlation_id"] = correlation }
        log.attributes = attributes.sorted { $0.key < $1.key }.map { keyValue($0.key, $0.value) }
        return log
    }

    private static func keyValue(_ key: String, _ value: JSONValue) -> Opentelemetry_Proto_Common_V1_KeyValue {
        var pair = Opentelemetry_Proto_Common_V1_KeyValue()
        pair.key = key
        pair.value = anyValue(value)
        return pair
    }

    private static func anyValue(_ value: JSONValue) -> Opentelemetry_Proto_Common_V1_AnyValue {
        var any = Opentelemetry_Proto_Common_V1_AnyValue()
        switch value {
        case .null: break
        case .bool(let flag): any.boolValue = flag
        case .integer(let number): any.intValue = number
        case .double(let number): any.doubleValue = number
        case .string(let text): any.stringValue = text
        case .array(let values): any.arrayValue.values = values.map(anyValue)
        case .object(let members): any.kvlistValue.values = members.map { keyValue($0.key, $0.value) }
        }
        return any
    }
}
