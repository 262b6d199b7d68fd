import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import App

/// Reads served by a streaming-replication standby (`LOGSMITH_DATABASE_READ_URL`): a PostgreSQL
/// primary of the test's own and its standby made by `pg_basebackup`, both started by the test.
@Suite("Read replicas")
struct ReadReplicaTests {
    @Test(
        "a standby serves reads that see every acknowledged record; paused, it is skipped as lagging; stopped, as unavailable"
    )
    func standby_servesReadsThatSeeAcknowledgedRecords() async throws {
        try await withTemporaryDirectory { directory in
            let (primaryDirectory, standbyDirectory) = (directory + "-primary", directory + "-standby")
            defer {
                try? bashBlocking(
                    #"source scripts/lib/postgres.sh; stop_postgres "$1"; stop_postgres "$2"; rm -rf "$1" "$2""#,
                    [standbyDirectory, primaryDirectory])
            }
            try await bash(
                #"""
                mkdir -p "$1" "$2" && source scripts/lib/postgres.sh && start_postgres "$1" && start_standby "$2" "$pg_port"
                echo "$pg_url" > "$1/url" && echo "$standby_url" > "$2/url"
                """#, [primaryDirectory, standbyDirectory])
            let primary = try Self.firstLine(of: primaryDirectory + "/url")
            let standby = try Self.firstLine(of: standbyDirectory + "/url")
            let check = "standby " + (URLComponents(string: standby).map { "\($0.host ?? ""):\($0.port ?? 0)" } ?? "")
            try await withApp(
                .postgres,
                configure: {
                    $0.databaseURL = primary
                    $0.databaseReadURLs = [standby]
                    // Room for the standby to replay each commit while every other suite runs on
                    // the same two cores: with the defaults' 100 ms, more than half the reads of a
                    // CI run went to the primary (correct, but not what this test is about).
                    $0.databaseReadMaxLagSeconds = 3
                    $0.databaseReadWaitMilliseconds = 2_000
                    $0.searchRequestsPerSecond = 0
                    $0.cacheTTLSeconds = 0
                }
            ) { client in
                try await waitFor("the standby was never seen as ok", within: .seconds(15)) {
                    try await Self.readiness(client, check) == "ok"
                }
                for round in 1...20 {
                    let word = "standby\(round)x\(UUID().uuidString.prefix(6).lowercased())"
                    try await Self.ingestAndFind(word, client)
                }
                #expect(try await Self.reads(client, "standby") >= 20, "the standby served the searches")

                try await bash(#"psql "$1" -qc 'SELECT pg_wal_replay_pause()'"#, [standby])
                let primaryReads = try await Self.reads(client, "primary")
                var round = 0
                try await waitFor("the paused standby was never seen as lagging", within: .seconds(20)) {
                    round += 1
                    try await Self.ingestAndFind("paused\(round)x\(UUID().uuidString.prefix(6).lowercased())", client)
                    return try await Self.readiness(client, check) == "lagging"
                }
                #expect(try await Self.reads(client, "primary") > primaryReads, "the primary served while it lagged")
                let ready = try await client.get("/ready")
                #expect(ready.status == .ok)
                #expect(try ready.json()["status"] as? String == "degraded")

                try await bash(#"psql "$1" -qc 'SELECT pg_wal_replay_resume()'"#, [standby])
                try await waitFor("the resumed standby was never seen as ok again", within: .seconds(15)) {
                    try await Self.readiness(client, check) == "ok"
                }
                let standbyReads = try await Self.reads(client, "standby")
                try await Self.ingestAndFind("resumed\(UUID().uuidString.prefix(6).lowercased())", client)
                #expect(try await Self.reads(client, "standby") > standbyReads, "the caught-up standby serves again")

                try await bash(#"source scripts/lib/postgres.sh && stop_postgres "$1""#, [standbyDirectory])
                try await Self.ingestAndFind("stopped\(UUID().uuidString.prefix(6).lowercased())", client)
                try await waitFor("the stopped standby was never seen as unavailable", within: .seconds(15)) {
                    try await Self.readiness(client, check) == "unavailable"
                }
                try await Self.ingestAndFind("gone\(UUID().uuidString.prefix(6).lowercased())", client)
            }
        }
    }

    /// Ingests one record with `word` and expects the search and the stats right after to find it.
    static func ingestAndFind(_ word: String, _ client: any TestClientProtocol) async throws {
        #expect(try await client.ingest(#"{"message": "\#(word) arrived", "service": "replicated"}"#).status == .ok)
        let response = try await client.get("/api/v1/logs?q=\(word)")
        let found = try response.json()
        #expect(
            (found["logs"] as? [[String: Any]])?.count == 1,
            "the search right after the ingest of \(word): \(response.status) \(String(buffer: response.body))")
        let stats = try await client.get("/api/v1/stats?q=\(word)").json()
        #expect(stats["total"] as? Int == 1, "the stats right after the ingest of \(word)")
    }

    /// What `/ready` says of a check.
    static func readiness(_ client: any TestClientProtocol, _ check: String) async throws -> String? {
        (try await client.get("/ready").json()["checks"] as? [String: Any])?[check] as? String
    }

    /// `logsmith_store_reads_total` of a server kind.
    static func reads(_ client: any TestClientProtocol, _ server: String) async throws -> Int {
        let text = String(buffer: try await client.get("/metrics").body)
        let prefix = #"logsmith_store_reads_total{server="\#(server)"} "#
        let line = text.split(separator: "\n").first { $0.hasPrefix(prefix) }
        return line.flatMap { Double($0.dropFirst(prefix.count)) }.map { Int($0) } ?? 0
    }

    static func firstLine(of path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
