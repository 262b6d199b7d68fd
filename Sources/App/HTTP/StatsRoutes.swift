import Access
import Foundation
import Hummingbird
import LogModel
import Stores

/// `GET /api/v1/stats`: how many of the caller's tenant's records match `q` between `start` and
/// `end`, in all, by level and by service (read scope, limited per client address, through the
/// result cache).
struct StatsRoutes<Store: LogStore, Limiter: RateLimiter> {
    let store: Store
    let gate: RateLimitGate<Limiter>
    let limits: RateLimits
    let cache: SearchCache

    func register(on router: Router<AppRequestContext>) {
        router.get("/api/v1/stats") { request, context in
            let tenant = try context.require(.read).tenant
            let headers = try await gate.enforceRead(limits, context)
            let parameters = try FormQuery(request.uri.query)
            let filter = try SearchFilter(parameters)
            let key = ["stats", String(describing: filter.query), parameters["start"] ?? "", parameters["end"] ?? ""]
            let body = try await cache.answer(tenant: tenant, request: key) {
                let stats = try await store.stats(
                    SearchRequest(tenant: tenant, query: filter.query, start: filter.start, end: filter.end))
                return Array(try APIJSON.encoder().encode(StatsResponse(stats)))
            }
            return Response.encodedJSON(body, headers: headers)
        }
    }
}

/// The JSON of a ``LogStats``.
struct StatsResponse: Encodable {
    var total: Int
    var byLevel: [String: Int]
    var byService: [String: Int]

    init(_ stats: LogStats) {
        total = stats.total
        byLevel = Dictionary(uniqueKeysWithValues: stats.byLevel.map { ($0.key.rawValue, $0.value) })
        byService = stats.byService
    }

    enum CodingKeys: String, CodingKey {
        case total
        case byLevel = "by_level"
        case byService = "by_service"
    }
}
