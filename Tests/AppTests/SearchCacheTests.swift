import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Stores
import Telemetry
import Testing

@testable import App

/// Search through the result cache, in process and in Redis.
@Suite("Search cache")
struct SearchCacheTests {
    enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case memory
        case redis

        var testDescription: String { rawValue }
    }

    @Test(
        "a search right after an ingest sees the new record; after the write window repeated searches hit",
        arguments: Backend.allCases)
    func searchAfterIngest_seesNewRecord(backend: Backend) async throws {
        let redisURL = backend == .redis ? ProcessInfo.processInfo.environment["LOGSMITH_TEST_REDIS_URL"] : nil
        if backend == .redis { try #require(redisURL != nil, "set LOGSMITH_TEST_REDIS_URL (scripts/test does)") }
        let word = "cachecheck\(UUID().uuidString.prefix(8).lowercased())"
        let window = Duration.milliseconds(1000)
        try await withApp(configure: {
            $0.redisURL = redisURL
            $0.cacheWriteWindowMilliseconds = 1000
        }) { client in
            let query = "/api/v1/logs?q=\(word)"
            let beforeIngest = ContinuousClock.now
            #expect(try await client.ingest(#"{"message": "\#(word) first"}"#).status == .ok)
            #expect((try await client.get(query).json()["logs"] as? [Any])?.count == 1)
            // The mark was set after `beforeIngest`; a loaded machine may search after it lapsed.
            if ContinuousClock.now - beforeIngest < window {
                #expect(try await client.cacheStats()["bypassed"] as? Int ?? 0 >= 1)
            }

            try await Task.sleep(for: window * 1.2)
            #expect((try await client.get(query).json()["logs"] as? [Any])?.count == 1)
            _ = try await client.get(query)
            let stats = try await client.cacheStats()
            #expect(stats["backend"] as? String == backend.rawValue)
            #expect((stats["hits"] as? Int ?? 0) >= 1)

            #expect(try await client.ingest(#"{"message": "\#(word) second"}"#).status == .ok)
            let second = try await client.get(query).json()["logs"] as? [[String: Any]]
            #expect(second?.count == 2)
            #expect(second?.first?["message"] as? String == "\(word) second")

            try await Task.sleep(for: window * 1.2)
            _ = try await client.get(query)
            #expect(try await client.execute(uri: "/api/v1/cache", method: .delete).status == .noContent)
            let misses = try await client.cacheStats()["misses"] as? Int ?? 0
            _ = try await client.get(query)
            #expect(try await client.cacheStats()["misses"] as? Int == misses + 1)
        }
    }

    @Test("ingest invalidates at most four times per write window, and each ingest returns after a covering one")
    func invalidate_isThrottledAndCovering() async throws {
        let cache = CountingCache(InProcessResultCache(maximumBytes: 1 << 20, clock: ContinuousClock()))
        let metrics = ServiceMetrics(version: "test")
        let search = SearchCache(
            cache: cache, ttl: .seconds(60), writeWindow: .seconds(2), metrics: metrics,
            degradation: DegradationReporter(dependency: "redis", metrics: metrics, logger: quietLogger))
        let start = ContinuousClock.now
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<25 {
                        let called = ContinuousClock.now
                        await search.invalidate(tenant: "acme")
                        let generation = await cache.generation(tenant: "acme")
                        // The covering mark was set at most a quarter window before the call and
                        // lasts a window, so it is live for at least three quarters of one.
                        if ContinuousClock.now - called < .milliseconds(1500) { #expect(generation.isWriting) }
                    }
                }
            }
        }
        let quarters = Int((ContinuousClock.now - start) / .milliseconds(500)) + 1
        let invalidations = await cache.invalidations
        #expect(invalidations >= 1 && invalidations <= quarters, "\(invalidations) for 200 ingests")
    }

    @Test("LOGSMITH_CACHE_TTL=0 turns the cache off")
    func ttlZero_turnsCacheOff() async throws {
        try await withApp(configure: { $0.cacheTTLSeconds = 0 }) { client in
            _ = try await client.get("/api/v1/logs")
            let stats = try await client.get("/api/v1/cache/stats").json()
            #expect(stats["backend"] as? String == "off")
        }
    }
}

/// A real cache that counts its invalidations.
private actor CountingCache: ResultCache {
    nonisolated let backend = "memory"
    private let cache: InProcessResultCache<ContinuousClock>
    private(set) var invalidations = 0

    init(_ cache: InProcessResultCache<ContinuousClock>) {
        self.cache = cache
    }

    func generation(tenant: String) async -> CacheGeneration {
        await cache.generation(tenant: tenant)
    }

    func value(tenant: String, generation: Int64, key: String) async -> [UInt8]? {
        await cache.value(tenant: tenant, generation: generation, key: key)
    }

    func store(_ value: [UInt8], tenant: String, generation: Int64, key: String, ttl: Duration) async {
        await cache.store(value, tenant: tenant, generation: generation, key: key, ttl: ttl)
    }

    func invalidate(tenant: String, writingFor window: Duration) async {
        invalidations += 1
        await cache.invalidate(tenant: tenant, writingFor: window)
    }

    func clear(tenant: String) async {
        await cache.clear(tenant: tenant)
    }

    func size() async -> (entries: Int, bytes: Int?) {
        await cache.size()
    }
}

extension TestClientProtocol {
    /// `GET /api/v1/cache/stats` as JSON.
    func cacheStats() async throws -> [String: Any] {
        try await get("/api/v1/cache/stats").json()
    }
}
