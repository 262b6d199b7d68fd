import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TestSupport
import Testing

/// A 2xx on ingest means committed: the real binary, killed with SIGKILL while concurrent clients
/// ingest, still has every acknowledged record after a restart on the same data.
@Suite("Durability", .serialized)
struct DurabilityTests {
    @Test("every acknowledged record survives SIGKILL", arguments: StoreKind.allCases)
    func ingest_killedMidStream_keepsAcknowledgedRecords(kind: StoreKind) async throws {
        try await withTemporaryDirectory { directory in
            var environment: [String: String] = ["LOGSMITH_DATABASE_URL": "", "LOGSMITH_AUTH": "off"]
            if kind == .postgres { environment["LOGSMITH_DATABASE_URL"] = try testDatabaseURL() }
            let run = "durability-\(UUID().uuidString.prefix(8).lowercased())"
            let server = try await ServerProcess(dataDirectory: directory, environment: environment)
            let outcomes = RequestOutcomes()
            let clients = IngestLoad.start(clients: 8, port: server.port, run: run, outcomes: outcomes)
            _ = try await outcomes.waitForAcknowledged(2000, timeout: .seconds(120))
            await outcomes.signal()
            server.kill()
            for client in clients { _ = await client.result }
            let expected = await outcomes.acknowledged
            #expect(expected.count >= 2000)

            let restarted = try await ServerProcess(dataDirectory: directory, environment: environment)
            defer { restarted.terminate() }
            let stored = try await TestClient.withClient(host: "127.0.0.1", port: restarted.port) { http in
                try await allMessages(http, query: "service:\(run)")
            }
            #expect(
                expected.subtracting(stored).isEmpty, "\(expected.subtracting(stored).count) acknowledged records lost")
        }
    }
}

extension DurabilityTests {
    @Test(
        "SIGTERM under load: every request read is answered and committed, then the process exits 0, logging each step",
        arguments: StoreKind.allCases)
    func ingest_terminatedUnderLoad_answersRequestsInFlight(kind: StoreKind) async throws {
        try await withTemporaryDirectory { directory in
            var environment = [
                "LOGSMITH_DATABASE_URL": "", "LOGSMITH_AUTH": "off", "LOGSMITH_LIMIT_INGEST_RECORDS": "0",
            ]
            if kind == .postgres { environment["LOGSMITH_DATABASE_URL"] = try testDatabaseURL() }
            let run = "sigterm-\(UUID().uuidString.prefix(8).lowercased())"
            let server = try await ServerProcess(dataDirectory: directory, environment: environment)
            let outcomes = RequestOutcomes()

            let clients = IngestLoad.start(clients: 8, port: server.port, run: run, outcomes: outcomes)
            _ = try await outcomes.waitForAcknowledged(2000, timeout: .seconds(120))
            await outcomes.signal()
            server.process.signal(SIGTERM)
            let exitDeadline = ContinuousClock.now.advanced(by: .seconds(60))
            while server.process.isRunning, ContinuousClock.now < exitDeadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(!server.process.isRunning, "the process did not exit within 60 s of SIGTERM")
            #expect(server.process.waitUntilExit() == 0)
            for client in clients { try await client.value }

            let (acknowledged, unanswered, refusals) = await (
                outcomes.acknowledged, outcomes.unanswered, outcomes.refusals
            )
            #expect(acknowledged.count >= 2000)
            #expect(refusals.isEmpty, "answers other than 200: \(refusals)")
            let log = try String(contentsOfFile: server.outputPath, encoding: .utf8)
            let messages = log.split(separator: "\n").compactMap { line in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["message"] as? String
            }
            let steps = [
                "shutdown started: new connections refused, requests in flight being answered",
                "shutdown: HTTP server stopped, every request it read answered",
                "shutdown: retention job stopped",
                "shutdown: ingest writer committed every accepted record",
                "shutdown: store closed its connections",
                "shutdown complete",
            ]
            #expect(messages.filter { steps.contains($0) } == steps)

            let restarted = try await ServerProcess(dataDirectory: directory, environment: environment)
            defer { restarted.terminate() }
            let stored = try await TestClient.withClient(host: "127.0.0.1", port: restarted.port) { http in
                try await allMessages(http, query: "service:\(run)")
            }
            #expect(
                acknowledged.subtracting(stored).isEmpty,
                "\(acknowledged.subtracting(stored).count) acknowledged records lost")
            // A request the server read was committed and answered; one it never answered, it never read.
            #expect(unanswered.isDisjoint(with: stored), "a request was committed but not answered")
        }
    }
}

/// Every message matching a query, walking all pages.
func allMessages(_ http: TestClient, query: String) async throws -> Set<String> {
    var messages: Set<String> = []
    var cursor: String?
    repeat {
        let uri = "/api/v1/logs?limit=1000&q=\(encoded(query))" + (cursor.map { "&cursor=\($0)" } ?? "")
        let response = try await http.get(uri)
        let body = try #require(response.body)
        let page = try #require(try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any])
        for log in page["logs"] as? [[String: Any]] ?? [] {
            if let message = log["message"] as? String { messages.insert(message) }
        }
        cursor = page["next_cursor"] as? String
    } while cursor != nil
    return messages
}
