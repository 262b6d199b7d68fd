import Access
import Hummingbird
import Stores

/// `GET /api/v1/cache/stats` (admin scope of the operator tenant, as it describes every tenant's use
/// of the cache; under the per-address read limit, as with Redis it scans the keyspace): the result
/// cache's backend, TTL, this process's hits and misses, and its size.
/// `DELETE /api/v1/cache` (admin scope): removes the caller's tenant's cached results.
struct CacheRoutes<Limiter: RateLimiter> {
    let cache: SearchCache
    let gate: RateLimitGate<Limiter>
    let limits: RateLimits

    func register(on router: Router<AppRequestContext>) {
        router.get("/api/v1/cache/stats") { _, context in
            guard try context.require(.admin).tenant == defaultTenant else {
                throw Problem(
                    status: .forbidden, kind: "forbidden", detail: "only operators read the cache's statistics")
            }
            _ = try await gate.enforceRead(limits, context)
            return try await Stats(stats: cache.stats())
        }
        router.delete("/api/v1/cache") { _, context in
            let identity = try context.require(.admin)
            try await cache.clear(tenant: identity.tenant)
            auditLog(
                context.logger, actor: identity.actor, tenant: identity.tenant, action: "cache.clear",
                target: identity.tenant)
            return HTTPResponse.Status.noContent
        }
    }

    private struct Stats: ResponseEncodable {
        var stats: CacheStats

        func encode(to encoder: any Encoder) throws {
            try stats.encode(to: encoder)
        }
    }
}
