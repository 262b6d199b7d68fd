import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Logsmith processes with Redis: one limit across replicas, and a Redis outage that degrades
/// without failing anything.
@Suite("Redis integration", .serialized)
struct RedisIntegrationTests {
    static func environment(redis: String, _ extra: [String: String] = [:]) -> [String: String] {
        ["LOGSMITH_DATABASE_URL": "", "LOGSMITH_AUTH": "off", "LOGSMITH_REDIS_URL": redis].merging(extra) { $1 }
    }

    @Test("two processes sharing one Redis enforce one search limit between them")
    func twoProcesses_shareOneLimit() async throws {
        let redis = try RedisProcess()
        try await withTemporaryDirectory { first in
            try await withTemporaryDirectory { second in
                let environment = Self.environment(redis: redis.url, ["LOGSMITH_LIMIT_SEARCH": "10"])
                let servers = [
                    try await ServerProcess(dataDirectory: first, environment: environment),
                    try await ServerProcess(dataDirectory: second, environment: environment),
                ]
                defer { servers.forEach { $0.terminate() } }
                let start = ContinuousClock.now
                var allowed = 0
                for round in 0..<40 {
                    let status = try await TestClient.withClient(host: "127.0.0.1", port: servers[round % 2].port) {
                        try await $0.get("/api/v1/logs?q=anything").status
                    }
                    if status == .ok { allowed += 1 }
                }
                let elapsed = (ContinuousClock.now - start) / .seconds(1)
                // Shared: at most the burst (10) plus 10 per second elapsed, plus one for rounding.
                // Two separate limiters would have let through at least 20.
                #expect(allowed >= 10)
                #expect(Double(allowed) <= 10 + 10 * elapsed + 1, "\(allowed) allowed in \(elapsed) s")
            }
        }
    }

    @Test("replicas on one PostgreSQL and one Redis: a search on one right after an ingest on the other finds it")
    func twoReplicas_readTheirWrites() async throws {
        let database = try #require(
            ProcessInfo.processInfo.environment["LOGSMITH_TEST_DATABASE_URL"], "set LOGSMITH_TEST_DATABASE_URL")
        let redis = try RedisProcess()
        try await withTemporaryDirectory { directory in
            let environment = Self.environment(
                redis: redis.url, ["LOGSMITH_DATABASE_URL": database, "LOGSMITH_CACHE_WRITE_WINDOW_MS": "100"])
            let writer = try await ServerProcess(dataDirectory: directory, environment: environment)
            defer { writer.terminate() }
            let reader = try await ServerProcess(dataDirectory: directory, environment: environment)
            defer { reader.terminate() }
            let word = "replica\(UUID().uuidString.prefix(8).lowercased())"
            let readerPort = reader.port
            try await TestClient.withClient(host: "127.0.0.1", port: writer.port) { write in
                try await TestClient.withClient(host: "127.0.0.1", port: readerPort) { read in
                    let query = "/api/v1/logs?q=\(word)&limit=100"
                    for round in 1...12 {
                        // Every other round lets the write window lapse and caches the query on the reader first.
                        if round.isMultiple(of: 2) {
                            try await Task.sleep(for: .milliseconds(250))
                            _ = try await read.get(query)
                            _ = try await read.get(query)
                        }
                        let ingest = try await write.post(
                            "/api/v1/logs", headers: [.contentType: "application/json"],
                            body: ByteBuffer(string: #"{"message": "\#(word) round \#(round)"}"#))
                        #expect(ingest.status == .ok)
                        let found = text(try await read.get(query))
                        #expect(found.contains("\(word) round \(round)\""), "round \(round)")
                    }
                    let stats = try #require(
                        try JSONSerialization.jsonObject(
                            with: Data(text(try await read.get("/api/v1/cache/stats")).utf8))
                            as? [String: Any])
                    #expect(stats["backend"] as? String == "redis")
                    #expect(stats["hits"] as? Int ?? 0 >= 1, "the reader's cache was used: \(stats)")
                }
            }
        }
    }

    @Test("Redis killed: ingest and search keep working, /ready says degraded, failures are counted; back: recovered")
    func redisKilled_degradesThenRecovers() async throws {
        let redis = try RedisProcess()
        try await withTemporaryDirectory { directory in
            let server = try await ServerProcess(
                dataDirectory: directory, environment: Self.environment(redis: redis.url))
            defer { server.terminate() }
            try await TestClient.withClient(host: "127.0.0.1", port: server.port) { http in
                let json: HTTPFields = [.contentType: "application/json"]
                let remaining = HTTPField.Name("RateLimit-Remaining")!
                let healthy = try await http.post(
                    "/api/v1/logs", headers: json, body: ByteBuffer(string: #"{"message": "before outage"}"#))
                #expect(healthy.status == .ok)

                redis.kill()
                var remainingDuringOutage = 0
                for index in 0..<5 {
                    let ingest = try await http.post(
                        "/api/v1/logs", headers: json,
                        body: ByteBuffer(string: #"{"message": "during outage \#(index)"}"#))
                    #expect(ingest.status == .ok)
                    remainingDuringOutage = Int(ingest.headers[remaining] ?? "") ?? 0
                }
                let search = try await http.get("/api/v1/logs?q=outage")
                #expect(search.status == .ok)
                #expect(text(search).contains("during outage 4"))
                let ready = try await http.get("/ready")
                #expect(ready.status == .ok)
                #expect(text(ready).contains(#""status":"degraded""#))
                #expect(text(ready).contains(#""redis":"unavailable""#))
                let metrics = text(try await http.get("/metrics"))
                #expect(
                    metrics.contains(
                        #"logsmith_dependency_failures_total{dependency="redis",component="rate_limiter"}"#))
                #expect(metrics.contains(#"logsmith_dependency_failures_total{dependency="redis",component="cache"}"#))

                try redis.start()
                var recovered = false
                for _ in 0..<100 where !recovered {
                    try await Task.sleep(for: .milliseconds(200))
                    let ready = try await http.get("/ready")
                    recovered = text(ready).contains(#""status":"ready""#)
                }
                #expect(recovered)
                let after = try await http.post(
                    "/api/v1/logs", headers: json, body: ByteBuffer(string: #"{"message": "after outage"}"#))
                #expect(after.status == .ok)
                // Failing open reports the whole burst left; counted in Redis again, the record is taken.
                #expect(Int(after.headers[remaining] ?? "") ?? .max < remainingDuringOutage)
            }
        }
    }
}

/// A response body as text.
private func text(_ response: TestClient.Response) -> String {
    response.body.map { String(buffer: $0) } ?? ""
}
