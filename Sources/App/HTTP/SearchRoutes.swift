import Access
import Budgeting
import Foundation
import HTTPTypes
import Hummingbird
import LogModel
import LogQuery
import Stores

/// `GET /api/v1/logs` (search), `GET /api/v1/logs/{id}` and `GET /api/v1/correlations/{id}`, all
/// confined to the caller's tenant (read scope) and limited per client address.
struct SearchRoutes<Store: LogStore, Limiter: RateLimiter> {
    let store: Store
    let gate: RateLimitGate<Limiter>
    let limits: RateLimits
    let cache: SearchCache
    let budgets: ReadBudget
    /// Most bytes of records one page or story holds (at least one record).
    let maxPageBytes: Int
    /// Most records a correlation story returns.
    let storyLimit = 1000

    func register(on router: Router<AppRequestContext>) {
        router.get("/api/v1/logs") { request, context in
            let tenant = try context.require(.read).tenant
            let headers = try await gate.enforceRead(limits, context)
            let page = try await search(request, context, tenant: tenant)
            // Charged once the page's size is known, before it is sent: large pages cost the server its
            // bandwidth even from the cache.
            _ = try await gate.enforce([(limits.searchBytesPerTenant, tenant, page.count)])
            return Response.encodedJSON(page, headers: headers)
        }
        router.get("/api/v1/logs/:id") { _, context in
            let tenant = try context.require(.read).tenant
            _ = try await gate.enforceRead(limits, context)
            let id = try context.parameters.require("id")
            guard let record = try await store.consistentReads().record(tenant: tenant, id: id.lowercased()) else {
                throw Problem(status: .notFound, kind: "not-found", detail: "no log with id \(id.prefix(64))")
            }
            return RecordResponse(record)
        }
        router.get("/api/v1/correlations/:id") { request, context in
            let tenant = try context.require(.read).tenant
            _ = try await gate.enforceRead(limits, context)
            let budget = try budgets.budget(try FormQuery(request.uri.query), context)
            return try await story(try context.parameters.require("id"), tenant: tenant, budget: budget)
        }
    }

    /// One page, as encoded JSON, through the search cache.
    private func search(_ request: Request, _ context: AppRequestContext, tenant: String) async throws -> [UInt8] {
        let parameters = try FormQuery(request.uri.query)
        let filter = try SearchFilter(parameters)
        let budget = try budgets.budget(parameters, context)
        var limit = 100
        if let text = parameters["limit"] {
            guard let value = Int(text), (1...1000).contains(value) else {
                throw Problem.badParameter("limit", "must be an integer from 1 to 1000")
            }
            limit = value
        }
        var cursor: SearchCursor?
        if let text = parameters["cursor"] {
            guard let decoded = SearchCursor(encoded: text) else {
                throw Problem.badParameter("cursor", "is not a cursor returned by this API")
            }
            cursor = decoded
        }
        let key = [
            "search", parameters["q"] ?? "", parameters["start"] ?? "", parameters["end"] ?? "", "\(limit)",
            parameters["cursor"] ?? "",
        ]
        let search = SearchRequest(
            tenant: tenant, query: filter.query, start: filter.start, end: filter.end, limit: limit, cursor: cursor)
        return try await cache.answer(tenant: tenant, request: key) {
            // The slot covers the encoding too: a page of large records costs more to encode than to read.
            try await budgets.slots.withSlot(tenant, budget: budget) { try await encodedPage(search, budget: budget) }
        }
    }

    /// One page as JSON, and whether it covers only part of its range.
    private func encodedPage(_ search: SearchRequest, budget: QueryBudget) async throws -> ([UInt8], Bool) {
        var (page, covered) = try await BudgetedSearch(store: await store.consistentReads(), budgets: budgets).page(
            search, budget: budget)
        let fitting = Self.fitting(page.records, within: maxPageBytes)
        if fitting < page.records.count {
            // A page full by bytes continues after its last record, whatever the budget covered.
            page.records = Array(page.records.prefix(fitting))
            page.nextCursor = page.records.last.map(SearchCursor.init(after:))
            covered = nil
        }
        let response = SearchResponse(
            logs: page.records, nextCursor: page.nextCursor?.encoded, covered: CoveredRange(covered))
        return (response.json, covered != nil)
    }

    /// How many of `records`, from the first, fit in `maxBytes` of JSON; at least one.
    private static func fitting(_ records: [LogRecord], within maxBytes: Int) -> Int {
        var bytes = 0
        for (index, record) in records.enumerated() {
            bytes += record.approximateJSONBytes
            if bytes > maxBytes { return max(1, index) }
        }
        return records.count
    }

    /// The story, oldest first; when the budget runs out first, an empty answer marked partial.
    private func story(_ id: String, tenant: String, budget: QueryBudget) async throws -> StoryResponse {
        let records: [LogRecord]
        let store = await self.store.consistentReads()
        do {
            records = try await budgets.slots.withSlot(tenant, budget: budget) {
                try await budget.apply { try await store.correlated(tenant: tenant, id: id, limit: storyLimit + 1) }
            }
        } catch let error as StoreError where error.code == .budgetExhausted {
            return StoryResponse(
                id: id, count: 0, truncated: false, services: [], first: nil, last: nil, logs: [], partial: true)
        }
        guard let first = records.first else {
            throw Problem(
                status: .notFound, kind: "not-found", detail: "no log has correlation_id or trace_id \(id.prefix(64))")
        }
        let shown = Array(records.prefix(min(storyLimit, Self.fitting(records, within: maxPageBytes))))
        return StoryResponse(
            id: id, count: shown.count, truncated: records.count > shown.count,
            services: Set(shown.compactMap(\.service)).sorted(), first: first.timestamp,
            last: shown.last!.timestamp, logs: shown, partial: false)
    }
}

/// The `q`, `start` and `end` parameters that select logs, for searching and for deleting; `end`
/// defaults to now, so records dated ahead of the clock are not found before their time.
struct SearchFilter {
    var query: QueryNode
    var start: Timestamp?
    var end: Timestamp

    init(_ parameters: FormQuery) throws {
        query = try Self.query(parameters)
        let now = Timestamp.now()
        start = try Self.time(parameters["start"], "start", now: now)
        end = try Self.time(parameters["end"], "end", now: now) ?? now
        if let start, start >= end {
            throw Problem.badParameter("end", "must be later than start")
        }
    }

    /// The parsed `q` parameter (everything when absent); a syntax error is a problem that names `q`
    /// and the error's position.
    static func query(_ parameters: FormQuery) throws -> QueryNode {
        do {
            return try QueryParser.parse(parameters["q"] ?? "")
        } catch {
            throw Problem(
                status: .badRequest, kind: "invalid-query", detail: "q: \(error.description)",
                errors: [Problem.Detail(parameter: "q", position: error.position, reason: error.reason)])
        }
    }

    /// The instant a time parameter names, or nil when it is absent; a problem naming the parameter
    /// when it is malformed.
    static func time(_ text: String?, _ name: String, now: Timestamp) throws -> Timestamp? {
        guard let text else { return nil }
        guard let value = TimeExpression.parse(text, now: now) else {
            throw Problem.badParameter(name, "must be RFC 3339, epoch seconds or milliseconds, or like now-15m")
        }
        return value
    }
}
