import Foundation
import LogModel
import Shippers
import SwiftProtobuf
import Testing
import WireFormats

/// OTLP requests, built with the generated types or taken from the specification, mapped to the
/// records of our own route and decoded as that route decodes them.
@Suite("OTLP logs")
struct OTLPLogsTests {
    private typealias KeyValue = Opentelemetry_Proto_Common_V1_KeyValue

    private static func pair(_ key: String, _ value: Opentelemetry_Proto_Common_V1_AnyValue.OneOf_Value) -> KeyValue {
        var pair = KeyValue()
        pair.key = key
        pair.value.value = value
        return pair
    }

    private static func decoded(_ body: [UInt8], _ encoding: OTLPLogs.Encoding) throws -> [LogRecord] {
        try OTLPLogs.records(body, encoding).map { value in
            try RecordDecoder().decode(value, tenant: "t", receivedAt: Timestamp(microseconds: 1_800_000_000_000_000))
                .get()
        }
    }

    @Test("resource, scope and record attributes, body, severity, time and IDs map to the record's columns")
    func protobuf_mapsEveryField() throws {
        var log = Opentelemetry_Proto_Logs_V1_LogRecord()
        log.timeUnixNano = 1_795_000_000_123_456_789
        log.severityNumber = .error
        log.severityText = "ERROR"
        log.traceID = Data((1...16).map { UInt8($0) })
        log.spanID = Data((0..<8).map { UInt8(0xA0 + $0) })
        log.body.kvlistValue.values = [Self.pair("order", .intValue(42))]
        log.eventName = "order.failed"
        log.attributes = [Self.pair("zone", .stringValue("record")), Self.pair("ok", .boolValue(false))]
        var scopeLogs = Opentelemetry_Proto_Logs_V1_ScopeLogs()
        scopeLogs.scope.name = "checkout.lib"
        scopeLogs.scope.attributes = [Self.pair("zone", .stringValue("scope")), Self.pair("tier", .stringValue("2"))]
        scopeLogs.logRecords = [log]
        var resourceLogs = Opentelemetry_Proto_Logs_V1_ResourceLogs()
        resourceLogs.resource.attributes = [
            Self.pair("service.name", .stringValue("checkout")), Self.pair("host.name", .stringValue("web-1")),
            Self.pair("deployment.environment.name", .stringValue("prod")),
            Self.pair("deployment.environment", .stringValue("old")), Self.pair("zone", .stringValue("resource")),
            Self.pair("k8s.pod.name", .stringValue("checkout-7d")),
        ]
        resourceLogs.scopeLogs = [scopeLogs]
        var request = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest()
        request.resourceLogs = [resourceLogs]

        let record = try #require(try Self.decoded(try request.serializedBytes(), .protobuf).first)
        #expect(record.service == "checkout")
        #expect(record.host == "web-1")
        #expect(record.environment == "prod")
        #expect(record.level == .error)
        #expect(record.severityNumber == 17)
        #expect(record.timestamp == Timestamp(microseconds: 1_795_000_000_123_456))
        #expect(record.traceID == "0102030405060708090a0b0c0d0e0f10")
        #expect(record.spanID == "a0a1a2a3a4a5a6a7")
        #expect(record.message == #"{"order":42}"#)
        #expect(
            record.attributes == [
                "zone": .string("record"), "ok": .bool(false), "tier": .string("2"),
                "k8s.pod.name": .string("checkout-7d"), "otel.scope.name": .string("checkout.lib"),
                "event_name": .string("order.failed"), "body": .object(["order": .integer(42)]),
            ])
    }

    @Test("the specification's OTLP/JSON example: hex IDs, 64-bit integers as strings, enums as numbers")
    func json_specificationExample() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../testdata/otlp/logs.json")
        let record = try #require(try Self.decoded(Array(try Data(contentsOf: file)), .json).first)
        #expect(record.service == "my.service")
        #expect(record.message == "Example log record")
        #expect(record.level == .info)
        #expect(record.severityNumber == 10)
        #expect(record.timestamp == Timestamp(microseconds: 1_544_712_660_300_000))
        #expect(record.traceID == "5b8efff798038103d269b633813fc60c")
        #expect(record.spanID == "eee19b7ec3c1b174")
        #expect(record.attributes["int.attribute"] == .integer(10))
        #expect(record.attributes["double.attribute"] == .double(637.704))
        #expect(record.attributes["array.attribute"] == .array([.string("many"), .string("values")]))
        #expect(record.attributes["map.attribute"] == .object(["some.map.key": .string("some value")]))
        #expect(record.attributes["my.scope.attribute"] == .string("some scope attribute"))
        #expect(record.attributes["otel.scope.version"] == .string("1.0.0"))
    }

    @Test("a record without time, severity or body takes the time of receipt, INFO and its attributes as message")
    func protobuf_emptyRecord_defaults() throws {
        var scopeLogs = Opentelemetry_Proto_Logs_V1_ScopeLogs()
        var log = Opentelemetry_Proto_Logs_V1_LogRecord()
        log.attributes = [Self.pair("a", .intValue(1))]
        log.severityText = "chatty"
        scopeLogs.logRecords = [log]
        var request = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest()
        request.resourceLogs = [Opentelemetry_Proto_Logs_V1_ResourceLogs()]
        request.resourceLogs[0].scopeLogs = [scopeLogs]
        let record = try #require(try Self.decoded(try request.serializedBytes(), .protobuf).first)
        #expect(record.level == .info)
        #expect(record.timestamp == Timestamp(microseconds: 1_800_000_000_000_000))
        #expect(record.message == #"{"a":1}"#)
        #expect(record.attributes["severity_text"] == .string("chatty"))
        #expect(record.traceID == nil)
    }

    @Test(
        "bodies that are not an ExportLogsServiceRequest are refused",
        arguments: [
            ([0x0A, 0x05, 0x0A], OTLPLogs.Encoding.protobuf),
            ([0x0A, 0x0A, 0x12, 0x08, 0x12, 0x06, 0x2A, 0x04, 0x0A, 0x02, 0xC3, 0x28], .protobuf),
            (Array(#"{"resourceLogs": 5}"#.utf8), .json),
            (Array(#"{"resourceLogs": [{"scopeLogs": [{"logRecords": [{"traceId": "zz"}]}]}]}"#.utf8), .json),
            (Array("not json".utf8), .json),
        ])
    func invalidBodies_refused(body: [UInt8], encoding: OTLPLogs.Encoding) {
        #expect(throws: OTLPLogs.InvalidRequest.self) { try OTLPLogs.records(body, encoding) }
    }
}
