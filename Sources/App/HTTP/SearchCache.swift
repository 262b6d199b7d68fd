import Crypto
import Foundation
import LogModel
import Stores
import Synchronization
import Telemetry

/// Search results through the configured ``ResultCache``: keyed by tenant, generation and a hash of
/// the normalised request (query, time range as written, limit, cursor), kept for the TTL. The
/// cache is an optimisation only: when it fails (Redis down) requests go to the store, the failure
/// is counted and logged at most once per interval, and nothing reaches the client.
///
/// Ingest invalidates a tenant at most four times per write window in each process: a commit
/// within a quarter window of the last invalidation waits for that one instead of making its own,
/// and searches skip the cache while the tenant's write mark is live, so a search after an
/// acknowledged ingest, on any replica, never answers from before it.
final class SearchCache: Sendable {
    private struct Invalidation {
        let id: UInt64
        let started: ContinuousClock.Instant
        let task: Task<Void, any Error>
    }

    private let cache: (any ResultCache)?
    private let ttl: Duration
    private let writeWindow: Duration
    private let metrics: ServiceMetrics
    private let degradation: DegradationReporter
    private let counts = Mutex((hits: 0, misses: 0, bypassed: 0))
    /// Redis's size as last measured, and when: counting its entries walks its keyspace, so it is done
    /// at most once per ``sizeInterval``.
    private let measuredSize = Mutex<(size: (entries: Int, bytes: Int?), at: ContinuousClock.Instant)?>(nil)
    private let sizeInterval = Duration.seconds(10)
    private let invalidations = Mutex((next: UInt64(0), byTenant: [String: Invalidation]()))

    /// A cache of search pages; nil `cache` (TTL 0) turns caching off. After an ingest, the
    /// tenant's searches skip the cache for `writeWindow`.
    init(
        cache: (any ResultCache)?, ttl: Duration, writeWindow: Duration, metrics: ServiceMetrics,
        degradation: DegradationReporter
    ) {
        self.cache = cache
        self.ttl = ttl
        self.writeWindow = writeWindow
        self.metrics = metrics
        self.degradation = degradation
    }

    /// The cached answer for `request` in `tenant`, or `compute`'s, which is then cached unless it is
    /// partial (it covers only part of its range).
    func answer(tenant: String, request: [String], compute: () async throws -> (body: [UInt8], isPartial: Bool))
        async throws -> [UInt8]
    {
        guard let cache else { return try await compute().body }
        let key = Hex.encode(SHA256.hash(data: Data(request.joined(separator: "\u{1F}").utf8)))
        var generation: Int64?
        do {
            let current = try await cache.generation(tenant: tenant)
            if current.isWriting {
                count(.bypass)
                return try await compute().body
            }
            generation = current.number
            if let hit = try await cache.value(tenant: tenant, generation: current.number, key: key) {
                count(.hit)
                return hit
            }
        } catch {
            degradation.failed("cache", consequence: "searches go to the store", error: error)
        }
        count(.miss)
        let (value, isPartial) = try await compute()
        if let generation, !isPartial {
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

    /// Makes the tenant's cached results unreachable after new data committed: returns once an
    /// invalidation that covers the commit has reached the cache.
    func invalidate(tenant: String) async {
        guard let cache else { return }
        let now = ContinuousClock.now
        let invalidation = invalidations.withLock { state in
            if let recent = state.byTenant[tenant], now < recent.started.advanced(by: writeWindow / 4) {
                return recent
            }
            state.next += 1
            let started = Invalidation(
                id: state.next, started: now,
                task: Task { [writeWindow] in try await cache.invalidate(tenant: tenant, writingFor: writeWindow) })
            state.byTenant[tenant] = started
            return started
        }
        do {
            try await invalidation.task.value
        } catch {
            invalidations.withLock { state in
                if state.byTenant[tenant]?.id == invalidation.id { state.byTenant[tenant] = nil }
            }
            degradation.failed(
                "cache", consequence: "cached searches may miss new records until they expire", error: error)
        }
    }

    /// Removes the tenant's entries.
    func clear(tenant: String) async throws {
        try await cache?.clear(tenant: tenant)
    }

    /// Hits, misses and bypasses of this process, and the cache's size.
    func stats() async throws -> CacheStats {
        let (hits, misses, bypassed) = counts.withLock { ($0.hits, $0.misses, $0.bypassed) }
        let size = try await currentSize()
        if let size { metrics.cacheSize(entries: size.entries, bytes: size.bytes) }
        return CacheStats(
            backend: cache?.backend ?? "off", ttlSeconds: Int(ttl / .seconds(1)), hits: hits, misses: misses,
            bypassed: bypassed, entries: size?.entries ?? 0, bytes: size?.bytes)
    }

    /// The cache's size; Redis's is measured again only when the last measure is older than ``sizeInterval``.
    private func currentSize() async throws -> (entries: Int, bytes: Int?)? {
        guard let cache else { return nil }
        guard cache.backend == "redis" else { return try await cache.size() }
        let now = ContinuousClock.now
        if let recent = measuredSize.withLock({ $0 }), now - recent.at < sizeInterval { return recent.size }
        let size = try await cache.size()
        measuredSize.withLock { $0 = (size, now) }
        return size
    }

    private func count(_ result: CacheLookup) {
        counts.withLock { counts in
            switch result {
            case .hit: counts.hits += 1
            case .miss: counts.misses += 1
            case .bypass: counts.bypassed += 1
            }
        }
        metrics.cacheRequest(result)
    }
}

/// `GET /api/v1/cache/stats`.
struct CacheStats: Encodable {
    var backend: String
    var ttlSeconds: Int
    var hits: Int
    var misses: Int
    var bypassed: Int
    var entries: Int
    var bytes: Int?

    enum CodingKeys: String, CodingKey {
        case backend, hits, misses, bypassed, entries, bytes
        case ttlSeconds = "ttl_seconds"
    }
}
