import Access
import Budgeting
import Foundation
import Hummingbird
import LogModel
import Stores

/// The caller's tenant's log patterns among its records matching `q` between `start` (by default a
/// day before `end`) and `end` (read scope, limited per client address, within the query budget,
/// through the result cache); counts come from the records' `pattern_id`:
/// - `GET /api/v1/patterns`: the `limit` (50) patterns with most records (`sort=count`, the default)
///   or first seen most recently (`sort=new`), each with its template, count, first and last seen,
///   level mix, top services, examples and a 30-bucket sparkline;
/// - `GET /api/v1/patterns/{id}`: one pattern (the one it was merged into, if it was), 404 when the
///   tenant has no such pattern in the range.
struct PatternRoutes<Store: LogStore & PatternStore, Limiter: RateLimiter> {
    let store: Store
    let gate: RateLimitGate<Limiter>
    let limits: RateLimits
    let cache: SearchCache
    let budgets: ReadBudget

    func register(on router: Router<AppRequestContext>) {
        router.get("/api/v1/patterns") { request, context in
            let tenant = try context.require(.read).tenant
            let headers = try await gate.enforceRead(limits, context)
            let parameters = try FormQuery(request.uri.query)
            let budget = try budgets.budget(parameters, context)
            let limit = try parameters.limit(default: 50)
            let sortName = parameters["sort"] ?? PatternListRequest.Sort.count.rawValue
            guard let sort = PatternListRequest.Sort(rawValue: sortName) else {
                throw Problem.badParameter("sort", "must be count or new")
            }
            let listing = try Self.request(parameters, tenant: tenant, limit: limit, sort: sort)
            let key = ["patterns", String(describing: listing)]
            let body = try await cache.answer(tenant: tenant, request: key) {
                let store = await self.store.consistentReads()
                let answer = try await budgets.windows(listing.search, in: store, budget: budget) { search in
                    try await store.patternSummaries(Self.request(listing, within: search))
                }
                let response = PatternsResponse(
                    patterns: (answer.value ?? []).map(PatternResponse.init), covered: CoveredRange(answer.covered))
                return (Array(try APIJSON.encoder().encode(response)), answer.isPartial)
            }
            return Response.encodedJSON(body, headers: headers)
        }
        router.get("/api/v1/patterns/:id") { request, context in
            let tenant = try context.require(.read).tenant
            let headers = try await gate.enforceRead(limits, context)
            let text = try context.parameters.require("id")
            guard let id = PatternID(text) else {
                throw Problem.badParameter("id", "a pattern ID is 16 hex digits")
            }
            let parameters = try FormQuery(request.uri.query)
            let budget = try budgets.budget(parameters, context)
            let listing = try Self.request(parameters, tenant: tenant, limit: 1, sort: .count)
            let store = await self.store.consistentReads()
            let answer = try await budgets.windows(listing.search, in: store, budget: budget) { search in
                try await store.patternSummary(id: id, Self.request(listing, within: search))
            }
            guard let summary = answer.value ?? nil else {
                throw Problem(status: .notFound, kind: "not-found", detail: "no pattern \(id) in the range")
            }
            let response = PatternDetailResponse(
                pattern: PatternResponse(summary), covered: CoveredRange(answer.covered))
            return Response.encodedJSON(Array(try APIJSON.encoder().encode(response)), headers: headers)
        }
    }

    private static func request(
        _ parameters: FormQuery, tenant: String, limit: Int, sort: PatternListRequest.Sort
    ) throws -> PatternListRequest {
        let filter = try SearchFilter(parameters)
        return PatternListRequest(
            tenant: tenant, query: filter.query,
            start: filter.start ?? filter.end.adding(microseconds: -86_400_000_000),
            end: filter.end, limit: limit, sort: sort)
    }

    /// The listing narrowed to the part of its range the budget reads.
    private static func request(_ listing: PatternListRequest, within search: SearchRequest) -> PatternListRequest {
        var part = listing
        part.search.start = search.start ?? listing.search.start
        part.search.end = search.end ?? listing.search.end
        return part
    }
}

/// The JSON of a listing.
struct PatternsResponse: Encodable {
    var patterns: [PatternResponse]
    var partial: Bool
    /// The part of the range read when the budget ran out first.
    var covered: CoveredRange?

    init(patterns: [PatternResponse], covered: CoveredRange?) {
        self.patterns = patterns
        self.partial = covered != nil
        self.covered = covered
    }
}

/// The JSON of one pattern.
struct PatternDetailResponse: Encodable {
    var pattern: PatternResponse
    var partial: Bool
    /// The part of the range read when the budget ran out first.
    var covered: CoveredRange?

    init(pattern: PatternResponse, covered: CoveredRange?) {
        self.pattern = pattern
        self.partial = covered != nil
        self.covered = covered
    }
}

/// The JSON of a ``PatternSummary``.
struct PatternResponse: Encodable {
    struct Service: Encodable {
        var service: String
        var count: Int
    }

    var id: String
    var template: String
    var count: Int
    var firstSeen: Timestamp
    var lastSeen: Timestamp
    var firstInRange: Timestamp
    var lastInRange: Timestamp
    var levels: [String: Int]
    var services: [Service]
    var examples: [String]
    var sparkline: [Int]
    var mergedIDs: [String]

    init(_ summary: PatternSummary) {
        id = summary.template.id.description
        template = summary.template.template
        count = summary.count
        firstSeen = summary.template.firstSeen
        lastSeen = summary.template.lastSeen
        firstInRange = summary.firstInRange
        lastInRange = summary.lastInRange
        levels = Dictionary(uniqueKeysWithValues: summary.levels.map { ($0.key.rawValue, $0.value) })
        services = summary.services.map { Service(service: $0.service, count: $0.count) }
        examples = summary.template.examples
        sparkline = summary.sparkline
        mergedIDs = summary.mergedIDs.map(\.description)
    }

    enum CodingKeys: String, CodingKey {
        case id, template, count, levels, services, examples, sparkline
        case firstSeen = "first_seen"
        case lastSeen = "last_seen"
        case firstInRange = "first_in_range"
        case lastInRange = "last_in_range"
        case mergedIDs = "merged_ids"
    }
}
