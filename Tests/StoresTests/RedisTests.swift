import Foundation
import Stores
import TestSupport
import Testing

/// The hiredis client and what only the Redis limiter must do, against the Redis of `scripts/test`.
@Suite("Redis client and limiter")
struct RedisTests {
    @Test("URLs give host, port, credentials and database; bad ones are refused without echoing secrets")
    func configuration_parsesURLs() throws {
        let full = try RedisConfiguration(url: "redis://ops:s%40cret@cache.internal:6380/3")
        #expect(full.host == "cache.internal" && full.port == 6380 && full.database == 3)
        #expect(full.username == "ops" && full.password == "s@cret")
        let bare = try RedisConfiguration(url: "redis://127.0.0.1")
        #expect(bare.port == 6379 && bare.database == 0 && bare.password == nil)
        for bad in ["http://h:1", "redis://", "redis://:pw@h/x"] {
            let error = #expect(throws: StoreError.self) { try RedisConfiguration(url: bad) }
            #expect(error?.description.contains("pw") == false)
        }
    }

    @Test("commands and pipelines round-trip strings, integers, arrays, nil and errors")
    func client_roundTrips() async throws {
        let client = RedisClient(configuration: try testRedisConfiguration())
        let key = "test:\(UUID().uuidString)"
        let replies = try await client.pipeline([
            ["SET", key, "héllo wörld"], ["GET", key], ["INCR", key + ":n"], ["GET", key + ":missing"],
            ["RPUSH", key + ":l", "a", "b"], ["LRANGE", key + ":l", "0", "-1"], ["INCR", key],
            ["DEL", key, key + ":n", key + ":l"],
        ])
        #expect(replies[0] == .string("OK"))
        #expect(replies[1] == .string("héllo wörld"))
        #expect(replies[2] == .integer(1))
        #expect(replies[3] == .null)
        #expect(replies[5] == .array([.string("a"), .string("b")]))
        guard case .error(let message) = replies[6] else { Issue.record("expected an error reply"); return }
        #expect(message.contains("not an integer"))
        let concurrent = try await withThrowingTaskGroup(of: RedisReply.self) { group in
            for index in 0..<50 { group.addTask { try await client.command(["ECHO", "\(index)"]) } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1.string ?? "") }
        }
        #expect(concurrent == Set((0..<50).map(String.init)))
    }

    @Test("a flushed script is loaded again on NOSCRIPT")
    func limiter_reloadsScript() async throws {
        let client = RedisClient(configuration: try testRedisConfiguration())
        let limiter = RedisRateLimiter(client: client, clock: ManualClock(), prefix: "test:\(UUID().uuidString):")
        let limit = RateLimit(name: "reload", perSecond: 1, burst: 2)
        #expect(try await limiter.acquire("k", cost: 1, limit: limit).allowed)
        _ = try await client.command(["SCRIPT", "FLUSH"])
        let after = try await limiter.acquire("k", cost: 1, limit: limit)
        #expect(after.allowed && after.remaining == 0)
        #expect(try await !limiter.acquire("k", cost: 1, limit: limit).allowed)
    }

    @Test("two replicas with their own clients share one limit through Redis")
    func limiter_sharedAcrossReplicas() async throws {
        let configuration = try testRedisConfiguration()
        let prefix = "test:\(UUID().uuidString):"
        let clock = ManualClock()
        let replicas = (0..<2).map { _ in
            RedisRateLimiter(client: RedisClient(configuration: configuration), clock: clock, prefix: prefix)
        }
        let limit = RateLimit(name: "shared", perSecond: 1, burst: 30)
        let allowed = try await withThrowingTaskGroup(of: Int.self) { group in
            for replica in replicas {
                group.addTask {
                    var count = 0
                    for _ in 0..<40 where try await replica.acquire("tenant", cost: 1, limit: limit).allowed {
                        count += 1
                    }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(allowed == 30)
    }

    @Test("with Redis unreachable, calls fail fast with unavailable, never hang")
    func client_unreachable_failsFast() async throws {
        var configuration = try RedisConfiguration(url: "redis://127.0.0.1:9")
        configuration.timeout = .milliseconds(200)
        let client = RedisClient(configuration: configuration)
        for _ in 0..<3 {
            let error = await #expect(throws: StoreError.self) { try await client.command(["PING"]) }
            #expect(error?.code == .unavailable)
        }
    }
}
