import AsyncHTTPClient
import Foundation
import HTTPTypes
import LogModel
import NIOCore
import NIOHTTP1
import TestSupport
import Testing

/// Alert evaluation across two real processes on one PostgreSQL database.
@Suite("Alert evaluation across replicas", .serialized)
struct AlertFailoverTests {
    @Test(
        "one replica evaluates; SIGKILL hands evaluation to the other within two intervals; each transition is delivered once"
    )
    func leaderKilled_otherTakesOver() async throws {
        let receiver = WebhookReceiver(failures: 0)
        try await receiver.serve { base in
            try await withFreshPostgresDatabase(on: try testDatabaseURL()) { url in
                try await withTemporaryDirectory { directory in
                    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                    let environment = [
                        "LOGSMITH_DATABASE_URL": url, "LOGSMITH_AUTH": "off", "LOGSMITH_LIMIT_SEARCH": "0",
                        "LOGSMITH_LIMIT_INGEST_RECORDS": "0",
                    ]
                    let replicas = [
                        try await ServerProcess(
                            dataDirectory: directory + "/a", environment: environment, outputDirectory: directory),
                        try await ServerProcess(
                            dataDirectory: directory + "/b", environment: environment, outputDirectory: directory),
                    ]
                    defer { replicas.forEach { $0.terminate() } }
                    let rule = #"""
                        {"name": "errors", "q": "level:>=error", "window": "1m", "interval": "1s", "group_by": "service",
                         "condition": {"type": "count", "comparison": ">", "threshold": 0},
                         "targets": [{"type": "webhook", "url": "\#(base)/hook"}]}
                        """#
                    #expect(try await Self.post(rule, to: "/api/v1/alerts/rules", port: replicas[0].port) == 201)
                    // Dated 50 s ago: firing now, resolved about 10 s later.
                    let stamp = Timestamp.now().adding(microseconds: -50_000_000).rfc3339
                    let first =
                        #"{"message": "declined", "service": "pay", "level": "error", "timestamp": "\#(stamp)"}"#
                    #expect(try await Self.post(first, to: "/api/v1/logs", port: replicas[1].port) == 200)
                    try await waitFor("the firing was not delivered", within: .seconds(10)) {
                        receiver.requests.contains { $0.body.contains(#""state":"firing""#) }
                    }
                    let leader = try #require(replicas.firstIndex { $0.logged("alert transition") })
                    replicas[leader].kill()
                    let survivor = replicas[1 - leader]
                    let second = #"{"message": "timeout", "service": "search", "level": "error"}"#
                    #expect(try await Self.post(second, to: "/api/v1/logs", port: survivor.port) == 200)
                    // Two intervals, plus the time to evaluate and deliver.
                    try await waitFor("the survivor did not take over within two intervals", within: .seconds(4)) {
                        receiver.requests.contains { $0.body.contains(#""value":"search""#) }
                    }
                    try await waitFor("the resolution was not delivered", within: .seconds(20)) {
                        receiver.requests.contains { $0.body.contains(#""state":"resolved""#) }
                    }
                    let deliveries = receiver.requests.map { $0.headers[HTTPField.Name("Logsmith-Delivery")!] ?? "" }
                    #expect(deliveries.count == 3 && Set(deliveries).count == 3, "\(deliveries)")
                    #expect(survivor.logged("alert transition"))
                }
            }
        }
    }

    private static func post(_ json: String, to path: String, port: Int) async throws -> Int {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: json))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }
}

extension ServerProcess {
    /// Whether the process has logged a line with this message.
    func logged(_ message: String) -> Bool {
        ((try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "").contains(#""message":"\#(message)""#)
    }
}
