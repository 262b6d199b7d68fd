import CompressNIO
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import SwiftProtobuf
import Testing
import WireFormats

@testable import App

/// `POST /v1/logs` against the official OpenTelemetry Python SDK and the specification's examples.
@Suite("OTLP logs ingest")
struct OTLPIngestTests {
    @Test(
        "records sent by the OpenTelemetry Python SDK (LoggingHandler, protobuf, gzip) are found with their service, host, environment, level, trace context and attributes",
        arguments: StoreKind.allCases)
    func pythonSDK_recordsSearchable(kind: StoreKind) async throws {
        try await withServerProcess(on: kind) { server, directory in
            let service = "sdk-\(UUID().uuidString.prefix(8).lowercased())"
            let output = directory + "/sdk.out"
            try await bash(
                #""${LOGSMITH_TEST_PYTHON:-python3}" Tests/shippers/otel_sdk_logs.py "$1" a-key "$2" 250 > "$3""#,
                ["http://127.0.0.1:\(server.port)", service, output])
            let traceID = try String(contentsOfFile: output, encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(traceID.count == 32)
            try await TestClient.withClient(host: "127.0.0.1", port: server.port) { http in
                let records = try await Self.logs(http, "service:\(service)&limit=1000")
                #expect(records.count == 250)
                #expect(Set(records.compactMap { $0["message"] as? String }).count == 250)
                for record in records {
                    #expect(record["level"] as? String == "WARN")
                    #expect(record["host"] as? String == "sdk-host")
                    #expect(record["environment"] as? String == "test")
                    #expect(record["trace_id"] as? String == traceID)
                    #expect((record["span_id"] as? String)?.count == 16)
                    let attributes = try #require(record["attributes"] as? [String: Any])
                    #expect(attributes["otel.scope.name"] as? String == "checkout")
                    #expect(attributes["order.id"] is Int)
                }
                #expect(try await Self.logs(http, "trace_id:\(traceID)&limit=1").count == 1)
            }
        }
    }

    private static func logs(_ http: TestClient, _ query: String) async throws -> [[String: Any]] {
        let body = try #require(try await http.get("/api/v1/logs?q=" + query).body)
        let page = try #require(try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any])
        return try #require(page["logs"] as? [[String: Any]])
    }

    @Test("the specification's OTLP/JSON example is stored, and the answer is an ExportLogsServiceResponse in JSON")
    func specificationJSONExample_stored() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let example = try Data(contentsOf: root.appendingPathComponent("testdata/otlp/logs.json"))
        try await withApp { client in
            let response = try await client.execute(
                uri: "/otlp/v1/logs", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(bytes: example))
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            #expect(String(buffer: response.body) == "{}")
            let page = try await client.get("/api/v1/logs?q=trace_id:5b8efff798038103d269b633813fc60c").json()
            let record = try #require((page["logs"] as? [[String: Any]])?.first)
            #expect(record["service"] as? String == "my.service")
            #expect(record["span_id"] as? String == "eee19b7ec3c1b174")
            #expect(record["message"] as? String == "Example log record")
        }
    }

    @Test("a record that cannot be stored is counted in partial_success with its reason; the others are stored")
    func invalidRecord_partialSuccess() async throws {
        var request = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest()
        var scopeLogs = Opentelemetry_Proto_Logs_V1_ScopeLogs()
        scopeLogs.logRecords = ["kept one", "too late", "kept two"].map { text in
            var log = Opentelemetry_Proto_Logs_V1_LogRecord()
            log.body.stringValue = text
            if text == "too late" { log.timeUnixNano = UInt64.max }
            return log
        }
        request.resourceLogs = [Opentelemetry_Proto_Logs_V1_ResourceLogs()]
        request.resourceLogs[0].scopeLogs = [scopeLogs]
        let body: [UInt8] = try request.serializedBytes()
        try await withApp { client in
            let response = try await client.execute(
                uri: "/v1/logs", method: .post, headers: [.contentType: "application/x-protobuf"],
                body: ByteBuffer(bytes: body))
            #expect(response.status == .ok)
            let answer = try Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceResponse(
                serializedBytes: Array(response.body.readableBytesView))
            #expect(answer.partialSuccess.rejectedLogRecords == 1)
            #expect(answer.partialSuccess.errorMessage.hasPrefix("record 1: timestamp"))
            let stats = try await client.get("/api/v1/stats").json()
            #expect(stats["total"] as? Int == 2)
        }
    }

    @Test(
        "bad bodies get a 4xx google.rpc.Status in the request's encoding, never a 5xx",
        arguments: [
            ("truncated protobuf", "application/x-protobuf", [0x0A, 0x05, 0x0A], 400),
            (
                "invalid UTF-8", "application/x-protobuf",
                [0x0A, 0x0A, 0x12, 0x08, 0x12, 0x06, 0x2A, 0x04, 0x0A, 0x02, 0xC3, 0x28], 400
            ),
            ("empty body", "application/x-protobuf", [], 400),
            ("wrong JSON types", "application/json", Array(#"{"resourceLogs": {"a": 1}}"#.utf8), 400),
            (
                "bad hex ID", "application/json",
                Array(#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"spanId":"!"}]}]}]}"#.utf8), 400
            ),
            ("text", "text/plain", Array("hello".utf8), 415),
        ] as [(String, String, [UInt8], Int)])
    func badBodies_status4xx(name: String, contentType: String, body: [UInt8], status: Int) async throws {
        try await withApp { client in
            let response = try await client.execute(
                uri: "/v1/logs", method: .post, headers: [.contentType: contentType], body: ByteBuffer(bytes: body))
            #expect(response.status.code == status, "\(name)")
            let bytes = Array(response.body.readableBytesView)
            let answer: Google_Rpc_Status =
                contentType == "application/json" ? try .init(jsonUTF8Bytes: bytes) : try .init(serializedBytes: bytes)
            #expect(answer.code == 3, "\(name)")
            #expect(!answer.message.isEmpty)
        }
    }

    @Test("a gzip body that inflates past the body limit is a 413, read no further than the limit")
    func gzipBomb_413() async throws {
        var zeros = ByteBuffer(repeating: 0, count: 64 << 20)
        let bomb = try zeros.compress(with: .gzip())
        #expect(bomb.readableBytes < 1 << 20)
        try await withApp { client in
            let response = try await client.execute(
                uri: "/v1/logs", method: .post,
                headers: [.contentType: "application/x-protobuf", .contentEncoding: "gzip"], body: bomb)
            #expect(response.status == .contentTooLarge)
            #expect(try Google_Rpc_Status(serializedBytes: Array(response.body.readableBytesView)).code == 3)
        }
    }

    @Test("past the tenant's record rate: 429 with Retry-After, as the SDKs expect to retry")
    func overRate_429WithRetryAfter() async throws {
        var request = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest()
        var scopeLogs = Opentelemetry_Proto_Logs_V1_ScopeLogs()
        var log = Opentelemetry_Proto_Logs_V1_LogRecord()
        log.body.stringValue = "one"
        scopeLogs.logRecords = [log, log]
        request.resourceLogs = [Opentelemetry_Proto_Logs_V1_ResourceLogs()]
        request.resourceLogs[0].scopeLogs = [scopeLogs]
        let body: [UInt8] = try request.serializedBytes()
        try await withApp(configure: {
            $0.ingestRecordsPerSecond = 2
            $0.maxRecordsPerRequest = 2
        }) { client in
            var statuses: [Int] = []
            for _ in 0..<3 {
                let response = try await client.execute(
                    uri: "/v1/logs", method: .post, headers: [.contentType: "application/x-protobuf"],
                    body: ByteBuffer(bytes: body))
                statuses.append(response.status.code)
                if response.status == .tooManyRequests {
                    #expect(response.headers[.retryAfter] != nil)
                    #expect(try Google_Rpc_Status(serializedBytes: Array(response.body.readableBytesView)).code == 8)
                }
            }
            #expect(statuses.first == 200)
            #expect(statuses.last == 429, "\(statuses)")
        }
    }
}
