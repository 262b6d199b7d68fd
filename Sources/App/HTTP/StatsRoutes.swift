import Access
import Budgeting
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
    let budgets: ReadBudget

    func register(on router: Router<AppRequestContext>) {
        router.get("/api/v1/stats") { request, context in
            let tenant = try context.require(.read).tenant
            let headers = try await gate.enforceRead(limits, context)
            let parameters = try FormQuery(request.uri.query)
            let filter = try SearchFilter(parameters)
            let budget = try budgets.budget(parameters, context)
            let key = ["stats", parameters["q"] ?? "", parameters["start"] ?? "", parameters["end"] ?? ""]
            let body = try await cache.answer(tenant: tenant, request: key) {
                let store = await self.store.consistentReads()
                let request = SearchRequest(tenant: tenant, query: filter.query, start: filter.start, end: filter.end)
                let answer = try await budgets.slices(
                    request, in: store, budget: budget, empty: LogStats.none, read: { try await store.stats($0) },
                    merge: { $0.add($1) })
                let response = StatsResponse(answer.value, covered: CoveredRange(answer.covered))
                return (Array(try APIJSON.encoder().encode(response)), answer.isPartial)
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
    var partial: Bool
    /// The part of the range counted when the budget ran out first.
    var covered: CoveredRange?

    init(_ stats: LogStats, covered: CoveredRange?) {
        partial = covered != nil
        self.covered = covered
        total = stats.total
        byLevel = Dictionary(uniqueKeysWithValues: stats.byLevel.map { ($0.key.rawValue, $0.value) })
        byService = stats.byService
    }

    enum CodingKeys: String, CodingKey {
        case total, partial, covered
        case byLevel = "by_level"
        case byService = "by_service"
    }
}
