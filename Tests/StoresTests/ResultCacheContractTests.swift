import Foundation
import Stores
import Testing

/// The result caches under contract.
enum CacheKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case memory
    case redis

    var testDescription: String { rawValue }

    /// A fresh cache; Redis caches get a key prefix of their own, so tests never share state.
    func make() throws -> any ResultCache {
        switch self {
        case .memory: return InProcessResultCache(maximumBytes: 1 << 20, clock: ContinuousClock())
        case .redis:
            return RedisResultCache(
                client: RedisClient(configuration: try testRedisConfiguration()),
                prefix: "test:\(UUID().uuidString):")
        }
    }
}

/// The contract every ``ResultCache`` keeps, for the in-process and the Redis implementation alike.
@Suite("ResultCache contract")
struct ResultCacheContractTests {
    let value = Array(#"{"logs":[]}"#.utf8)

    @Test("a stored value is found under its generation until the tenant is invalidated", arguments: CacheKind.allCases)
    func storeThenInvalidate(kind: CacheKind) async throws {
        let cache = try kind.make()
        let generation = try await cache.generation(tenant: "acme")
        #expect(!generation.isWriting)
        #expect(try await cache.value(tenant: "acme", generation: generation.number, key: "k") == nil)
        try await cache.store(value, tenant: "acme", generation: generation.number, key: "k", ttl: .seconds(60))
        #expect(try await cache.value(tenant: "acme", generation: generation.number, key: "k") == value)
        try await cache.invalidate(tenant: "acme", writingFor: .seconds(60))
        let next = try await cache.generation(tenant: "acme")
        #expect(next.number != generation.number && next.isWriting)
        #expect(try await cache.value(tenant: "acme", generation: next.number, key: "k") == nil)
    }

    @Test("a value computed before an invalidation is never current", arguments: CacheKind.allCases)
    func staleGeneration_isNotCurrent(kind: CacheKind) async throws {
        let cache = try kind.make()
        let before = try await cache.generation(tenant: "acme").number
        try await cache.invalidate(tenant: "acme", writingFor: .seconds(60))
        try await cache.store(value, tenant: "acme", generation: before, key: "k", ttl: .seconds(60))
        let now = try await cache.generation(tenant: "acme").number
        #expect(try await cache.value(tenant: "acme", generation: now, key: "k") == nil)
    }

    @Test("the write mark lapses after its window; clear does not set one", arguments: CacheKind.allCases)
    func writeMark_lapses(kind: CacheKind) async throws {
        let cache = try kind.make()
        let window = Duration.seconds(1)
        let marking = ContinuousClock.now
        try await cache.invalidate(tenant: "acme", writingFor: window)
        let marked = try await cache.generation(tenant: "acme")
        // A loaded machine may read after the window; only a read inside it must see the mark.
        if ContinuousClock.now - marking < window { #expect(marked.isWriting) }
        try await Task.sleep(for: window * 1.3)
        #expect(try await cache.generation(tenant: "acme") == CacheGeneration(number: marked.number, isWriting: false))
        try await cache.clear(tenant: "acme")
        let cleared = try await cache.generation(tenant: "acme")
        #expect(cleared.number != marked.number && !cleared.isWriting)
    }

    @Test("tenants are independent; clear removes one tenant's entries only", arguments: CacheKind.allCases)
    func tenants_independent(kind: CacheKind) async throws {
        let cache = try kind.make()
        for tenant in ["acme", "globex"] {
            let generation = try await cache.generation(tenant: tenant).number
            try await cache.store(value, tenant: tenant, generation: generation, key: "k", ttl: .seconds(60))
        }
        try await cache.invalidate(tenant: "acme", writingFor: .seconds(60))
        #expect(try await !cache.generation(tenant: "globex").isWriting)
        let globex = try await cache.generation(tenant: "globex").number
        #expect(try await cache.value(tenant: "globex", generation: globex, key: "k") == value)
        #expect(try await cache.size().entries == 2)
        try await cache.clear(tenant: "acme")
        #expect(try await cache.size().entries == 1)
        #expect(try await cache.value(tenant: "globex", generation: globex, key: "k") == value)
    }

    @Test("entries expire after their TTL", arguments: CacheKind.allCases)
    func entries_expire(kind: CacheKind) async throws {
        let cache = try kind.make()
        let generation = try await cache.generation(tenant: "acme").number
        try await cache.store(value, tenant: "acme", generation: generation, key: "k", ttl: .milliseconds(50))
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await cache.value(tenant: "acme", generation: generation, key: "k") == nil)
    }

    @Test("the in-process cache stays within its byte bound, evicting the least recently used")
    func memory_evictsLeastRecentlyUsed() async throws {
        let cache = InProcessResultCache(maximumBytes: 100, clock: ContinuousClock())
        let forty = [UInt8](repeating: 0x61, count: 40)
        for key in ["a", "b"] { await cache.store(forty, tenant: "t", generation: 0, key: key, ttl: .seconds(60)) }
        _ = await cache.value(tenant: "t", generation: 0, key: "a")
        await cache.store(forty, tenant: "t", generation: 0, key: "c", ttl: .seconds(60))
        #expect(await cache.value(tenant: "t", generation: 0, key: "a") == forty)
        #expect(await cache.value(tenant: "t", generation: 0, key: "b") == nil)
        #expect(await cache.value(tenant: "t", generation: 0, key: "c") == forty)
        let size = await cache.size()
        #expect(size.entries == 2 && size.bytes == 80)
    }
}
