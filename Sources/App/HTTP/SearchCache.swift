import Crypto
import Foundation
import Stores
import Synchronization
import Telemetry

/// Search results through the configured ``ResultCache``: keyed by tenant, generation and a hash of
/// the normalised request (query, time range as written, limit, cursor), kept for the TTL. The
/// cache is an optimisation only: when it fails (Redis down) requests go to the store, the failure
/// is counted and logged at most once per interval, and nothing reaches the client.
final class SearchCache: Sendable {
    private let cache: (any ResultCache)?
    private let ttl: Duration
    private let metrics: ServiceMetrics
    private let degradation: DegradationReporter
    private let counts = Mutex((hits: 0, misses: 0))

    /// A cache of search pages; nil `cache` (TTL 0) turns caching off.
    init(cache: (any ResultCache)?, ttl: Duration, metrics: ServiceMetrics, degradation: DegradationReporter) {
        self.cache = cache
        self.ttl = ttl
        self.metrics = metrics
        self.degradation = degradation
    }

    /// The cached answer for `request` in `tenant`, or `compute`'s, which is then cached.
    func answer(tenant: String, request: [String], compute: () async throws -> [UInt8]) async throws -> [UInt8] {
        guard let cache else { return try await compute() }
        let key = SHA256.hash(data: Data(request.joined(separator: "\u{1F}").utf8))
            .map { String(format: "%02x", $0) }.joined()
        var generation: Int64?
        do {
            let current = try await cache.generation(tenant: tenant)
            generation = current
            if let hit = try await cache.value(tenant: tenant, generation: current, key: key) {
                count(hit: true)
                return hit
            }
        } catch {
            degradation.failed("cache", consequence: "searches go to the store", error: error)
        }
        count(hit: false)
        let value = try await compute()
        if let generation {
            do {
                try await cache.store(value, tenant: tenant, generation: generation, key: key, ttl: ttl)
                if cache.backend == "memory" {
                    let size = try await cache.size()
                    metrics.cacheSize(entries: size.entries, bytes: size.bytes)
                }
            } catch {
                degradation.failed("cache", consequence: "searches go to the store", error: error)
            }
        }
        return value
    }

    /// Makes the tenant's cached results unreachable, after new data committed.
    func invalidate(tenant: String) async {
        guard let cache else { return }
        do {
            try await cache.invalidate(tenant: tenant)
        } catch {
            degradation.failed(
                "cache", consequence: "cached searches may miss new records until they expire", error: error)
        }
    }

    /// Removes the tenant's entries.
    func clear(tenant: String) async throws {
        try await cache?.clear(tenant: tenant)
    }

    /// Hits and misses of this process, and the cache's size.
    func stats() async throws -> CacheStats {
        let (hits, misses) = counts.withLock { ($0.hits, $0.misses) }
        let size = try await cache?.size()
        if let size { metrics.cacheSize(entries: size.entries, bytes: size.bytes) }
        return CacheStats(
            backend: cache?.backend ?? "off", ttlSeconds: Int(ttl / .seconds(1)), hits: hits, misses: misses,
            entries: size?.entries ?? 0, bytes: size?.bytes)
    }

    private func count(hit: Bool) {
        counts.withLock { hit ? ($0.hits += 1) : ($0.misses += 1) }
        metrics.cacheRequest(hit: hit)
    }
}

/// `GET /api/v1/cache/stats`.
struct CacheStats: Encodable {
    var backend: String
    var ttlSeconds: Int
    var hits: Int
    var misses: Int
    var entries: Int
    var bytes: Int?

    enum CodingKeys: String, CodingKey {
        case backend, hits, misses, entries, bytes
        case ttlSeconds = "ttl_seconds"
    }
}
