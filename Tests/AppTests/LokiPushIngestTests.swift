import CompressNIO
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Shippers
import Testing

@testable import App

/// `POST /loki/api/v1/push` against python-logging-loki, Loki's own JSON client for Python, and
/// against a Snappy-compressed protobuf push built with the official protobuf runtime.
@Suite("Loki push ingest")
struct LokiPushIngestTests {
    @Test(
        "records pushed by python-logging-loki are found with their service, level, environment and labels",
        arguments: StoreKind.allCases)
    func pythonClient_recordsSearchable(kind: StoreKind) async throws {
        try await withServerProcess(on: kind) { server, _ in
            let service = "loki-\(UUID().uuidString.prefix(8).lowercased())"
            try await bash(
                #""${LOGSMITH_TEST_PYTHON:-python3}" Tests/shippers/loki_push.py "$1" "$2" 40"#,
                ["http://127.0.0.1:\(server.port)", service])
            try await TestClient.withClient(host: "127.0.0.1", port: server.port) { http in
                let body = try #require(try await http.get("/api/v1/logs?limit=100&q=service:\(service)").body)
                let page = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
                let records = try #require(page?["logs"] as? [[String: Any]])
                #expect(records.count == 40)
                #expect(Set(records.compactMap { $0["message"] as? String }).count == 40)
                for record in records {
                    #expect(record["level"] as? String == "ERROR")
                    #expect(record["environment"] as? String == "test")
                    let attributes = try #require(record["attributes"] as? [String: Any])
                    #expect(attributes["logger"] as? String == "payments")
                    #expect(attributes["order"] is String)
                }
            }
        }
    }

    @Test(
        "a Snappy-compressed protobuf push is stored as the same entries pushed as JSON are",
        arguments: StoreKind.allCases)
    func protobufPush_storedAsJSONPushIs(kind: StoreKind) async throws {
        try await withServerProcess(on: kind) { server, _ in
            let service = "lokipb-\(UUID().uuidString.prefix(8).lowercased())"
            try await bash(
                #""${LOGSMITH_TEST_PYTHON:-python3}" Tests/shippers/loki_protobuf_push.py "$1" "$2" 30"#,
                ["http://127.0.0.1:\(server.port)", service])
            try await TestClient.withClient(host: "127.0.0.1", port: server.port) { http in
                func stored(_ service: String) async throws -> [[String: String]] {
                    let body = try #require(try await http.get("/api/v1/logs?limit=100&q=service:\(service)").body)
                    let page = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
                    return try #require(page?["logs"] as? [[String: Any]]).map { record in
                        var fields: [String: String] = [:]
                        for key in ["message", "timestamp", "level", "environment", "trace_id"] {
                            fields[key] = record[key] as? String
                        }
                        let attributes = record["attributes"] as? [String: Any] ?? [:]
                        for (key, value) in attributes { fields["attributes.\(key)"] = "\(value)" }
                        return fields
                    }
                }
                let fromProtobuf = try await stored(service)
                #expect(fromProtobuf.count == 30)
                #expect(fromProtobuf == (try await stored(service + "-json")))
                let first = try #require(fromProtobuf.last)
                #expect(first["message"] == "payment 0 declined é")
                #expect(first["timestamp"] == "2026-11-18T11:06:40.123456Z")
                #expect(first["level"] == "ERROR")
                #expect(first["environment"] == "test")
                #expect(first["trace_id"] == String(repeating: "0", count: 31) + "1")
                #expect(first["attributes.team"] == #"a "quoted" \ one"#)
                #expect(first["attributes.order"] == "0")
            }
        }
    }

    @Test("an X-Scope-OrgID naming another tenant is a 403; the credential's own tenant is accepted")
    func scopeOrganization_mustBeTheCredentialsTenant() async throws {
        let push = #"{"streams": [{"stream": {"job": "x"}, "values": [["1795000000000000000", "hello"]]}]}"#
        try await withApp { client in
            for (organization, status) in [("someone-else", 403), ("default", 204)] {
                let response = try await client.execute(
                    uri: "/loki/api/v1/push", method: .post,
                    headers: [.contentType: "application/json", HTTPField.Name("X-Scope-OrgID")!: organization],
                    body: ByteBuffer(string: push))
                #expect(response.status.code == status, "\(organization)")
            }
        }
    }

    @Test("an entry that cannot be stored is named by its position in a 400; the others are stored")
    func invalidEntry_namedOthersStored() async throws {
        let push = """
            {"streams": [{"stream": {"job": "x"}, "values": [["1795000000000000000", "kept"],
              ["9000000000000000000", "too far ahead"], ["1795000000000000001", "kept too"]]}]}
            """
        try await withApp { client in
            let response = try await client.execute(
                uri: "/loki/api/v1/push", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: push))
            #expect(response.status == .badRequest)
            #expect(response.headers[.contentType] == "application/problem+json")
            let errors = try #require(try response.json()["errors"] as? [[String: Any]])
            #expect(errors.map { $0["index"] as? Int } == [1])
            #expect(try await client.get("/api/v1/stats").json()["total"] as? Int == 2)
        }
    }

    @Test(
        "bad pushes get a 4xx problem naming what is wrong, never a 5xx",
        arguments: [
            ("application/json", #"{"streams": [{"values": [["x", "a"]]}]}"#, 400, "streams[0].values[0][0]"),
            ("application/json", "", 400, "not JSON"),
            ("application/json", #"{"streams": []}"#, 400, "no records"),
            ("text/plain", "x", 415, "application/x-protobuf"),
            ("application/x-protobuf", "", 400, "Snappy"),
            ("application/x-protobuf", "\u{7f}", 400, "Snappy"),
            // Snappy for the 9 bytes 0a 07 "labels" with a stream whose label text is not closed.
            ("application/x-protobuf", "\u{09}\u{20}\u{0a}\u{07}\u{0a}\u{05}{a=\"b", 400, "streams[0].labels"),
        ])
    func badPushes_4xx(contentType: String, body: String, status: Int, detail: String) async throws {
        try await withApp { client in
            let response = try await client.execute(
                uri: "/loki/api/v1/push", method: .post, headers: [.contentType: contentType],
                body: ByteBuffer(string: body))
            #expect(response.status.code == status)
            #expect(
                (try response.json()["detail"] as? String)?.contains(detail) == true, "\(String(buffer: response.body))"
            )
        }
    }

    @Test(
        "bad bytes get a 4xx problem: a protobuf push with invalid UTF-8 (400), one whose Snappy length says 2 GiB (413 before any work), a JSON gzip bomb (413)"
    )
    func badBytes_4xx() async throws {
        // PushRequest { streams { labels: "{a=\"\xff\"}" } }: a string field that is not UTF-8.
        let invalidText = SnappyBlock.compress(
            [0x0A, 0x09, 0x0A, 0x07] + Array(#"{a=""#.utf8) + [0xFF] + Array(#""}"#.utf8))
        var zeros = ByteBuffer(repeating: 0x20, count: 64 << 20)
        let bomb = try zeros.compress(with: .gzip())
        let cases: [(body: ByteBuffer, contentType: String, gzip: Bool, status: Int)] = [
            (ByteBuffer(bytes: invalidText), "application/x-protobuf", false, 400),
            (ByteBuffer(bytes: [0x80, 0x80, 0x80, 0x80, 0x08, 0x00]), "application/x-protobuf", false, 413),
            (bomb, "application/json", true, 413),
        ]
        try await withApp { client in
            for test in cases {
                var headers: HTTPFields = [.contentType: test.contentType]
                if test.gzip { headers[.contentEncoding] = "gzip" }
                let response = try await client.execute(
                    uri: "/loki/api/v1/push", method: .post, headers: headers, body: test.body)
                #expect(response.status.code == test.status)
                #expect(response.headers[.contentType] == "application/problem+json")
            }
        }
    }
}
