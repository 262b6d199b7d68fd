import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Parsing
import Synchronization
import TestSupport
import Testing

@testable import App

/// `GET /api/v1/tail` on the real binary: Server-Sent Events of records committed after the tail
/// opened, on this replica or another, resumption without gaps or repeats, the per-tenant limit,
/// heartbeats, slow readers, and problems for bad input.
@Suite("Live tail routes")
struct TailRoutesTests {
    @Test("a tail streams records committed after it opened, beats when idle, and is limited per tenant")
    func tail_streamsNewRecords() async throws {
        try await withTemporaryDirectory { directory in
            let server = try await ServerProcess(
                dataDirectory: directory,
                environment: [
                    "LOGSMITH_DATABASE_URL": "", "LOGSMITH_AUTH": "off", "LOGSMITH_TAIL_LIMIT": "1",
                    "LOGSMITH_TAIL_HEARTBEAT_SECONDS": "1",
                ])
            defer { server.terminate() }
            try await ingest(["before the tail"], service: "api", port: server.port)
            let tail = try TailConnection(port: server.port, query: "service:api")
            #expect(try await tail.readHead().hasPrefix("HTTP/1.1 200"))
            try await ingest(["during the tail"], service: "api", port: server.port)
            try await ingest(["another service"], service: "db", port: server.port)
            try await ingest(["during the tail, again"], service: "api", port: server.port)
            let events = try await tail.readEvents(records: 2)
            #expect(events.flatMap(\.messages) == ["during the tail", "during the tail, again"])
            #expect(try await tail.readUntil(": heartbeat"), "no heartbeat after a second of silence")

            let refused = try await TestClient.withClient(host: "127.0.0.1", port: server.port) { http in
                try await http.execute(.init("/api/v1/tail", method: .get))
            }
            #expect(refused.status == .tooManyRequests)
            #expect(String(buffer: refused.body ?? ByteBuffer()).contains("too-many-tails"))
            tail.connection.hangUp()
            let reopened = try TailConnection(port: server.port, query: "")
            var head = try await reopened.readHead()
            for _ in 0..<50 where !head.hasPrefix("HTTP/1.1 200") {
                try await Task.sleep(for: .milliseconds(100))
                head = try await TailConnection(port: server.port, query: "").readHead()
            }
            #expect(head.hasPrefix("HTTP/1.1 200"), "the closed tail's place was not freed: \(head)")
        }
    }

    @Test("bad parameters and headers are problems that name them")
    func badInput_isAProblem() async throws {
        try await withTemporaryDirectory { directory in
            let server = try await ServerProcess(
                dataDirectory: directory, environment: ["LOGSMITH_DATABASE_URL": "", "LOGSMITH_AUTH": "off"])
            defer { server.terminate() }
            try await TestClient.withClient(host: "127.0.0.1", port: server.port) { http in
                let cases: [(String, HTTPFields, String)] = [
                    ("/api/v1/tail?q=\(encoded("level:(error"))", [:], #""parameter":"q""#),
                    ("/api/v1/tail?since=yesterday-ish", [:], #""parameter":"since""#),
                    ("/api/v1/tail", [HTTPField.Name("Last-Event-ID")!: "not-an-id"], "Last-Event-ID"),
                    ("/api/v1/tail?limit=5", [:], #""parameter":"limit""#),
                ]
                for (uri, headers, named) in cases {
                    let response = try await http.execute(.init(uri, method: .get, headers: headers))
                    #expect(response.status == .badRequest, "\(uri)")
                    #expect(response.headers[.contentType] == "application/problem+json")
                    #expect(
                        String(buffer: response.body ?? ByteBuffer()).contains(named),
                        "\(uri): \(String(buffer: response.body ?? ByteBuffer()))")
                }
            }
        }
    }

    @Test("two replicas on PostgreSQL: a tail on one sees the other's records, and resumes without gaps or repeats")
    func replicas_shareTails() async throws {
        try await withFreshPostgresDatabase(on: try testDatabaseURL()) { url in
            try await withTemporaryDirectory { first in
                try await withTemporaryDirectory { second in
                    let environment = ["LOGSMITH_DATABASE_URL": url, "LOGSMITH_AUTH": "off"]
                    let replicaA = try await ServerProcess(dataDirectory: first, environment: environment)
                    defer { replicaA.terminate() }
                    let replicaB = try await ServerProcess(dataDirectory: second, environment: environment)
                    defer { replicaB.terminate() }
                    let batches = (0..<3).map { batch in (0..<40).map { "batch \(batch) line \($0)" } }
                    let tail = try TailConnection(port: replicaB.port, query: "service:shared")
                    #expect(try await tail.readHead().hasPrefix("HTTP/1.1 200"))
                    try await ingest(batches[0], service: "shared", port: replicaA.port)
                    let seen = try await tail.readEvents(records: 40)
                    #expect(seen.flatMap(\.messages) == batches[0])
                    tail.connection.hangUp()
                    try await ingest(batches[1], service: "shared", port: replicaA.port)
                    try await ingest(["elsewhere"], service: "other", port: replicaA.port)
                    try await ingest(batches[2], service: "shared", port: replicaB.port)
                    let lastEventID = try #require(seen.last?.id)
                    let resumed = try TailConnection(
                        port: replicaB.port, query: "service:shared", lastEventID: lastEventID)
                    #expect(try await resumed.readHead().hasPrefix("HTTP/1.1 200"))
                    let rest = try await resumed.readEvents(records: 80)
                    #expect(rest.flatMap(\.messages) == batches[1] + batches[2])
                    try await Task.sleep(for: .milliseconds(300))
                    resumed.connection.hangUp()
                }
            }
        }
    }

    @Test("a client that does not read is told how many records were dropped, and the stream goes on")
    func slowReader_getsDropped() async throws {
        try await withTemporaryDirectory { directory in
            let server = try await ServerProcess(
                dataDirectory: directory,
                environment: [
                    "LOGSMITH_DATABASE_URL": "", "LOGSMITH_AUTH": "off", "LOGSMITH_TAIL_BUFFER_RECORDS": "200",
                ])
            defer { server.terminate() }
            let tail = try TailConnection(port: server.port, query: "", receiveBufferBytes: 4096)
            #expect(try await tail.readHead().hasPrefix("HTTP/1.1 200"))
            let padding = String(repeating: "x", count: 2000)
            for batch in 0..<20 {
                try await ingest(
                    (0..<400).map { "batch \(batch) line \($0) \(padding)" }, service: "s", port: server.port)
            }
            try await ingest(["the last line"], service: "s", port: server.port)
            #expect(try await tail.readUntil("event: dropped"), "no dropped event")
            #expect(try await tail.readUntil("the last line"), "the stream did not go on after dropping")
            let metrics = try await TestClient.withClient(host: "127.0.0.1", port: server.port) { http in
                try await http.execute(.init("/metrics", method: .get))
            }
            let dropped = String(buffer: metrics.body ?? ByteBuffer()).split(separator: "\n")
                .first { $0.hasPrefix("logsmith_tail_dropped_records_total ") }
            #expect(dropped.flatMap { Double($0.split(separator: " ")[1]) } ?? 0 > 0, "\(String(describing: dropped))")
        }
    }

    @Test("logsmith tail prints each record of the stream on a line, and the open tail is counted")
    func tailCommand_printsRecords() async throws {
        try await withTemporaryDirectory { directory in
            let server = try await ServerProcess(
                dataDirectory: directory, environment: ["LOGSMITH_DATABASE_URL": "", "LOGSMITH_AUTH": "off"])
            defer { server.terminate() }
            let outputPath = directory + "/tail.out"
            _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
            let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
            let command = try ChildProcess(
                try ServerProcess.binaryPath(), ["tail", "--url", "http://127.0.0.1:\(server.port)", "service:cli"],
                environment: ProcessInfo.processInfo.environment, output: output)
            try output.close()
            defer { command.signal(SIGTERM) }
            try await waitFor("the tail was never counted as open", within: .seconds(10)) {
                let metrics = try await TestClient.withClient(host: "127.0.0.1", port: server.port) { http in
                    try await http.execute(.init("/metrics", method: .get))
                }
                return String(buffer: metrics.body ?? ByteBuffer()).contains("logsmith_tail_streams 1")
            }
            try await ingest(["from the command", "second\\nline"], service: "cli", port: server.port)
            try await ingest(["not this one"], service: "elsewhere", port: server.port)
            try await waitFor("logsmith tail did not print the records", within: .seconds(10)) {
                let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
                return text.contains("INFO  cli: from the command\n") && text.contains("INFO  cli: second\n    line\n")
            }
            let text = try String(contentsOfFile: outputPath, encoding: .utf8)
            #expect(!text.contains("not this one"))
            #expect(!text.contains("\u{1B}["), "colour codes written to a file")
        }
    }

    @Test("a tail sees only its key's tenant, and needs a key with read scope")
    func tail_isConfinedToItsTenant() async throws {
        try await withTemporaryDirectory { directory in
            let server = try await ServerProcess(
                dataDirectory: directory, environment: ["LOGSMITH_DATABASE_URL": "", "LOGSMITH_BCRYPT_COST": "4"])
            defer { server.terminate() }
            let admin = try String(contentsOfFile: directory + "/initial-admin-key", encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let keys = try await TestClient.withClient(host: "127.0.0.1", port: server.port) { http in
                var keys: [String: String] = [:]
                for tenant in ["alpha", "beta"] {
                    let created = try await http.execute(
                        .init(
                            "/api/v1/admin/tenants", method: .post,
                            headers: [.authorization: "Bearer \(admin)", .contentType: "application/json"],
                            body: ByteBuffer(string: #"{"name": "\#(tenant)"}"#)))
                    #expect(created.status == .created)
                    let key = try await http.execute(
                        .init(
                            "/api/v1/admin/keys?tenant=\(tenant)", method: .post,
                            headers: [.authorization: "Bearer \(admin)", .contentType: "application/json"],
                            body: ByteBuffer(string: #"{"name": "k", "scopes": ["ingest", "read"]}"#)))
                    let object = try JSONSerialization.jsonObject(
                        with: Data(String(buffer: key.body ?? ByteBuffer()).utf8))
                    keys[tenant] = try #require((object as? [String: Any])?["key"] as? String)
                }
                let anonymous = try await http.execute(.init("/api/v1/tail", method: .get))
                #expect(anonymous.status == .unauthorized)
                return keys
            }
            let tail = try TailConnection(port: server.port, query: "", key: keys["alpha"])
            #expect(try await tail.readHead().hasPrefix("HTTP/1.1 200"))
            try await ingest(["for beta"], service: "s", port: server.port, key: keys["beta"])
            try await ingest(["for alpha"], service: "s", port: server.port, key: keys["alpha"])
            #expect(try await tail.readEvents(records: 1).flatMap(\.messages) == ["for alpha"])
        }
    }

    private func ingest(_ messages: [String], service: String, port: Int, key: String? = nil) async throws {
        let body =
            "["
            + messages.map { #"{"message": "\#($0)", "service": "\#(service)"}"# }.joined(separator: ",") + "]"
        var fields: HTTPFields = [.contentType: "application/json"]
        if let key { fields[.authorization] = "Bearer \(key)" }
        let headers = fields
        let response = try await TestClient.withClient(host: "127.0.0.1", port: port) { http in
            try await http.execute(
                .init("/api/v1/logs", method: .post, headers: headers, body: ByteBuffer(string: body)))
        }
        #expect(
            response.status == .accepted || response.status == .ok, "\(String(buffer: response.body ?? ByteBuffer()))")
    }
}

/// One `log` event: its ID and its records' messages.
struct TailEventSeen {
    var id: String?
    var messages: [String]
}

/// A live tail read over a raw socket: the answer's head, then its events as they arrive.
final class TailConnection: Sendable {
    let connection: RawConnection
    private let received = Mutex("")

    init(
        port: Int, query: String, key: String? = nil, lastEventID: String? = nil, receiveBufferBytes: Int32? = nil
    ) throws {
        connection = try RawConnection(port: port, receiveBufferBytes: receiveBufferBytes)
        let resume =
            (lastEventID.map { "Last-Event-ID: \($0)\r\n" } ?? "")
            + (key.map { "Authorization: Bearer \($0)\r\n" } ?? "")
        connection.send(
            "GET /api/v1/tail?q=\(encoded(query)) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                + resume + "\r\n")
    }

    /// The status line and headers.
    func readHead() async throws -> String {
        for _ in 0..<20 {
            if let end = received.withLock({ $0.range(of: "\r\n\r\n") }) {
                return received.withLock { text in
                    defer { text = String(text[end.upperBound...]) }
                    return String(text[..<end.lowerBound])
                }
            }
            guard let more = await connection.readSome(), !more.isEmpty else { break }
            received.withLock { $0 += more }
        }
        return received.withLock { $0 }
    }

    /// Whether `text` arrives before 10 s pass without a byte; what came before it is forgotten.
    func readUntil(_ text: String) async throws -> Bool {
        while true {
            let found = received.withLock { received in
                if let range = received.range(of: text) {
                    received = String(received[range.upperBound...])
                    return true
                }
                received = String(received.suffix(text.count))
                return false
            }
            if found { return true }
            guard let more = await connection.readSome(), !more.isEmpty else { return false }
            received.withLock { $0 += more }
        }
    }

    /// The `log` events until they hold `records` records (or 10 s of silence).
    func readEvents(records: Int) async throws -> [TailEventSeen] {
        var events: [TailEventSeen] = []
        var parser = ServerSentEventParser()
        var consumed = received.withLock { text in
            defer { text = "" }
            return text
        }
        while true {
            for event in parser.feed(Array(consumed.utf8)) where event.type == "log" {
                let records = try JSONSerialization.jsonObject(with: Data(event.data.utf8)) as? [[String: Any]] ?? []
                events.append(
                    TailEventSeen(id: event.lastEventID, messages: records.compactMap { $0["message"] as? String }))
            }
            if events.reduce(0, { $0 + $1.messages.count }) >= records { return events }
            guard let more = await connection.readSome(), !more.isEmpty else { return events }
            consumed = more
        }
    }
}
