import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// The real binary under faults of what it depends on: PostgreSQL restarting, the SQLite disk filling
/// up. Every wait is bounded; every process started is stopped.
@Suite("Faults", .serialized)
struct FaultTests {
    @Test(
        "PostgreSQL restarted five times during ingest: every request answered, failures are 503 with Retry-After, nothing acknowledged is lost, ingest recovers",
        arguments: ["fast", "immediate"])
    func ingest_postgresRestarted_recovers(mode: String) async throws {
        try await withTemporaryDirectory { directory in
            let postgres = try ThrowawayPostgres(directory: directory + "-pg")
            defer { postgres.stop() }
            let environment = [
                "LOGSMITH_DATABASE_URL": postgres.url, "LOGSMITH_AUTH": "off", "LOGSMITH_LIMIT_INGEST_RECORDS": "0",
            ]
            let run = "restart-\(mode)-\(UUID().uuidString.prefix(8).lowercased())"
            let server = try await ServerProcess(dataDirectory: directory, environment: environment)
            defer { server.terminate() }
            let outcomes = RequestOutcomes()
            let clients = IngestLoad.start(clients: 8, port: server.port, run: run, outcomes: outcomes)

            #expect(try await outcomes.waitForAcknowledged(500, timeout: .seconds(60)))
            for restart in 1...5 {
                try await postgres.restart(mode: mode)
                let atRestart = await outcomes.acknowledged.count
                let recovered = try await outcomes.waitForAcknowledged(300, after: atRestart, timeout: .seconds(60))
                #expect(recovered, "ingest did not recover within 60 s of restart \(restart)")
            }
            await outcomes.stop()
            let answered = try await outcomes.waitUntilAnswered(timeout: .seconds(30))
            let unanswered = await outcomes.unanswered.count
            #expect(answered, "\(unanswered) records sent and never answered")
            if answered {
                for client in clients { try await client.value }
            }

            let (acknowledged, refusals) = await (outcomes.acknowledged, outcomes.refusals)
            #expect(
                refusals.allSatisfy { $0.status == 503 && $0.retryAfter != nil },
                "answers other than 200 and 503 with Retry-After: \(refusals)")
            let stored = try await TestClient.withClient(host: "127.0.0.1", port: server.port) { http in
                try await allMessages(http, query: "service:\(run)")
            }
            #expect(
                acknowledged.subtracting(stored).isEmpty,
                "\(acknowledged.subtracting(stored).count) acknowledged records lost")
        }
    }
}

extension FaultTests {
    @Test(
        "the SQLite disk filling up: 507 with Retry-After, an intact database, and ingest again once space returns",
        .enabled(if: getuid() == 0, "mounting a small tmpfs needs root, as scripts/test runs"))
    func ingest_sqliteDiskFull_recoversWhenSpaceReturns() async throws {
        try await withTemporaryDirectory { directory in
            let disk = directory + "/disk"
            try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
            try await bash(#"mount -t tmpfs -o size=3m logsmith-test "$1""#, [disk])
            defer {
                try? bashBlocking(#"umount "$1""#, [disk])
                try? FileManager.default.removeItem(atPath: disk)
            }
            let run = "full-\(UUID().uuidString.prefix(8).lowercased())"
            let server = try await ServerProcess(
                dataDirectory: disk + "/data",
                environment: [
                    "LOGSMITH_DATABASE_URL": "", "LOGSMITH_AUTH": "off", "LOGSMITH_LIMIT_INGEST_RECORDS": "0",
                ],
                outputDirectory: directory)
            defer { server.terminate() }
            let padding = String(repeating: "x", count: 400)
            let (acknowledged, refusal) = try await TestClient.withClient(host: "127.0.0.1", port: server.port) {
                http -> (Set<String>, TestClient.Response?) in
                var acknowledged: Set<String> = []
                // 3 MB hold fewer than 400 requests of 100 records of 400 bytes.
                for request in 0..<400 {
                    let messages = (0..<100).map { "\(run) request \(request) record \($0) \(padding)" }
                    let response = try await http.post(
                        "/api/v1/logs", headers: [.contentType: "application/x-ndjson"],
                        body: ByteBuffer(string: messages.map { #"{"message": "\#($0)"}"# }.joined(separator: "\n")))
                    guard response.status == .ok else { return (acknowledged, response) }
                    acknowledged.formUnion(messages)
                }
                return (acknowledged, nil)
            }
            let full = try #require(refusal, "3 MB never filled up")
            #expect(full.status.code == 507)
            #expect(full.headers[.retryAfter] != nil)
            let problem = try JSONSerialization.jsonObject(with: Data((full.body ?? ByteBuffer()).readableBytesView))
            #expect((problem as? [String: Any])?["type"] as? String == "https://logsmith.dev/problems/storage-full")
            try await bash(#"[ "$(sqlite3 "$1" 'PRAGMA integrity_check')" = ok ]"#, [disk + "/data/logsmith.sqlite"])

            try await bash(#"mount -o remount,size=64m "$1""#, [disk])
            let resumed = try await TestClient.withClient(host: "127.0.0.1", port: server.port) { http in
                try await http.post(
                    "/api/v1/logs", headers: [.contentType: "application/json"],
                    body: ByteBuffer(string: #"{"message": "\#(run) after space returned"}"#))
            }
            #expect(resumed.status == .ok)
            let stored = try await TestClient.withClient(host: "127.0.0.1", port: server.port) { http in
                try await allMessages(http, query: "\"\(run)\"")
            }
            #expect(
                acknowledged.subtracting(stored).isEmpty,
                "\(acknowledged.subtracting(stored).count) acknowledged records lost")
            #expect(stored.contains("\(run) after space returned"))
        }
    }
}

/// A PostgreSQL server of a test's own (`scripts/lib/postgres.sh`), on a free loopback port, so that
/// restarting it disturbs no other test.
final class ThrowawayPostgres {
    let directory: String
    let url: String

    /// Creates and starts the cluster under `directory`.
    init(directory: String) throws {
        self.directory = directory
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        try bashBlocking(
            "source scripts/lib/postgres.sh && start_postgres \"$1\" && echo \"$pg_url\" > \"$1/url\"", [directory])
        url = try String(contentsOfFile: directory + "/url", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `pg_ctl restart -m mode`, returning once the server accepts connections again; the test's
    /// clients keep sending meanwhile.
    func restart(mode: String) async throws {
        try await bash("source scripts/lib/postgres.sh && restart_postgres \"$1\" \"$2\"", [directory, mode])
    }

    /// Stops the server at once and removes its files.
    func stop() {
        try? bashBlocking("source scripts/lib/postgres.sh && stop_postgres \"$1\"", [directory])
        try? FileManager.default.removeItem(atPath: directory)
    }

}
