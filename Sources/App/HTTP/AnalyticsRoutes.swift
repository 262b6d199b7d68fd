import Access
import Budgeting
import Foundation
import Hummingbird
import LogModel
import Stores

/// Counts of the caller's tenant's records matching `q` between `start` and `end` (read scope,
/// limited per client address, through the result cache):
/// - `GET /api/v1/analytics/histogram`: per time bucket (`start` by default a day before `end`),
///   optionally split by a field (`by`): the ten largest series and `other`; every bucket present,
///   aligned to the interval in UTC;
/// - `GET /api/v1/analytics/error-rate`: the same buckets and series, each with its errors (ERROR
///   and above, or `http.status` 500 and above) and their share;
/// - `GET /api/v1/analytics/compare`: the histogram next to the same range `baseline` (1d) earlier;
/// - `GET /api/v1/analytics/endpoints`: the `limit` (20) busiest routes of access-log records
///   (`/users/123` and `/users/456` as `/users/{id}`), with 5xx errors and latency percentiles;
/// - `GET /api/v1/analytics/group-by`: per combination of one to three `fields`, the `limit` (20)
///   largest (`order=-count`, the default) or smallest (`order=count`), and how many the others hold.
struct AnalyticsRoutes<Store: LogStore, Limiter: RateLimiter> {
    let store: Store
    let gate: RateLimitGate<Limiter>
    let limits: RateLimits
    let cache: SearchCache
    let budgets: ReadBudget

    func register(on router: Router<AppRequestContext>) {
        let routes: [(String, @Sendable (FormQuery, String, QueryBudget) async throws -> [UInt8])] = [
            ("histogram", { try await histogram($0, tenant: $1, budget: $2, countsErrors: false) }),
            ("error-rate", { try await histogram($0, tenant: $1, budget: $2, countsErrors: true) }),
            ("compare", { try await compare($0, tenant: $1, budget: $2) }),
            ("endpoints", { try await endpoints($0, tenant: $1, budget: $2) }),
            ("group-by", { try await groupBy($0, tenant: $1, budget: $2) }),
        ]
        for (name, answer) in routes {
            router.get("/api/v1/analytics/\(name)") { request, context in
                let tenant = try context.require(.read).tenant
                let headers = try await gate.enforceRead(limits, context)
                let parameters = try FormQuery(request.uri.query)
                let budget = try budgets.budget(parameters, context)
                return Response.encodedJSON(try await answer(parameters, tenant, budget), headers: headers)
            }
        }
    }

    private func endpoints(_ parameters: FormQuery, tenant: String, budget: QueryBudget) async throws -> [UInt8] {
        let filter = try SearchFilter(parameters)
        let limit = try parameters.limit(default: 20)
        let endpointsRequest = EndpointsRequest(
            search: SearchRequest(tenant: tenant, query: filter.query, start: filter.start, end: filter.end),
            limit: limit)
        let key = [
            "endpoints", parameters["q"] ?? "", parameters["start"] ?? "", parameters["end"] ?? "",
            "\(limit)",
        ]
        return try await cache.answer(tenant: tenant, request: key) {
            let store = await self.store.consistentReads()
            let answer = try await budgets.windows(endpointsRequest.search, in: store, budget: budget) { search in
                var windowRequest = endpointsRequest
                windowRequest.search = search
                return try await store.endpoints(windowRequest)
            }
            let response = EndpointsResponse(
                endpoints: (answer.value ?? []).map(EndpointResponse.init), covered: CoveredRange(answer.covered))
            return (Array(try APIJSON.encoder().encode(response)), answer.isPartial)
        }
    }

    private func groupBy(_ parameters: FormQuery, tenant: String, budget: QueryBudget) async throws -> [UInt8] {
        let filter = try SearchFilter(parameters)
        let names = (parameters["fields"] ?? "").split(separator: ",", omittingEmptySubsequences: false)
        let fields = names.compactMap { AnalyticsField(name: String($0)) }
        guard (1...3).contains(names.count), fields.count == names.count else {
            throw Problem.badParameter(
                "fields",
                "must name one to three fields, comma-separated: level, service, host, environment, "
                    + "http.status_class or attributes.KEY")
        }
        let limit = try parameters.limit(default: 20)
        let order = parameters["order"] ?? "-count"
        guard order == "count" || order == "-count" else {
            throw Problem.badParameter("order", "must be count (smallest first) or -count (largest first)")
        }
        let groupRequest = GroupByRequest(
            search: SearchRequest(tenant: tenant, query: filter.query, start: filter.start, end: filter.end),
            fields: fields, limit: limit, descending: order == "-count")
        let key = [
            "group-by", parameters["q"] ?? "", parameters["start"] ?? "", parameters["end"] ?? "",
            fields.map(\.description).joined(separator: ","), "\(limit)", order,
        ]
        return try await cache.answer(tenant: tenant, request: key) {
            let store = await self.store.consistentReads()
            let answer = try await budgets.windows(groupRequest.search, in: store, budget: budget) { search in
                var windowRequest = groupRequest
                windowRequest.search = search
                return try await store.groupCounts(windowRequest)
            }
            let response = GroupByResponse(
                answer.value ?? .none, fields: fields, covered: CoveredRange(answer.covered))
            return (Array(try APIJSON.encoder().encode(response)), answer.isPartial)
        }
    }

    private func histogram(_ parameters: FormQuery, tenant: String, budget: QueryBudget, countsErrors: Bool)
        async throws -> [UInt8]
    {
        let (histogramRequest, seconds) = try Self.histogramRequest(
            parameters, tenant: tenant, countsErrors: countsErrors)
        let search = histogramRequest.search
        let key = [
            countsErrors ? "error-rate" : "histogram", parameters["q"] ?? "",
            "\(search.start?.microseconds ?? 0)", "\(search.end?.microseconds ?? 0)", "\(seconds)",
            histogramRequest.by?.description ?? "",
        ]
        return try await cache.answer(tenant: tenant, request: key) {
            let response = try await histogramResponse(histogramRequest, seconds: seconds, budget: budget)
            return (Array(try APIJSON.encoder().encode(response)), response.partial)
        }
    }

    /// The histogram of the range next to the same range `baseline` earlier, bucket for bucket.
    private func compare(_ parameters: FormQuery, tenant: String, budget: QueryBudget) async throws -> [UInt8] {
        let (current, seconds) = try Self.histogramRequest(parameters, tenant: tenant, countsErrors: false)
        guard let offset = AnalyticsInterval.duration(parameters["baseline"] ?? "1d"),
            (1...(90 * 86_400)).contains(offset)
        else {
            throw Problem.badParameter("baseline", "must be a duration from 1s to 90d, like 1h, 1d, 7d")
        }
        var baseline = current
        baseline.search.start = current.search.start?.adding(microseconds: -offset * 1_000_000)
        baseline.search.end = current.search.end?.adding(microseconds: -offset * 1_000_000)
        let key = [
            "compare", parameters["q"] ?? "", "\(current.search.start?.microseconds ?? 0)",
            "\(current.search.end?.microseconds ?? 0)", "\(seconds)", current.by?.description ?? "", "\(offset)",
        ]
        return try await cache.answer(tenant: tenant, request: key) {
            let response = CompareResponse(
                baselineSeconds: offset,
                current: try await histogramResponse(current, seconds: seconds, budget: budget.share(0.5)),
                baseline: try await histogramResponse(baseline, seconds: seconds, budget: budget))
            return (Array(try APIJSON.encoder().encode(response)), response.partial)
        }
    }

    /// The histogram under the budget, newest first slice by slice when the whole range does not fit.
    private func histogramResponse(_ request: HistogramRequest, seconds: Int64, budget: QueryBudget) async throws
        -> HistogramResponse
    {
        let end = request.search.end ?? .now()
        let store = await self.store.consistentReads()
        let answer = try await budgets.slices(
            request.search, end: end, in: store, budget: budget, empty: [HistogramRow](),
            read: { search in
                var slice = request
                slice.search = search
                return try await store.histogramRows(slice)
            },
            merge: { $0 += $1 })
        return HistogramResponse(
            Histogram(rows: answer.value, request: request), seconds: seconds, start: request.search.start ?? end,
            end: end, by: request.by, countsErrors: request.countsErrors, covered: CoveredRange(answer.covered))
    }

    /// The histogram a request's `q`, `start` (by default a day before `end`), `end`, `interval` and
    /// `by` ask for, and its bucket width in seconds.
    private static func histogramRequest(_ parameters: FormQuery, tenant: String, countsErrors: Bool) throws
        -> (HistogramRequest, Int64)
    {
        let filter = try SearchFilter(parameters)
        let start = filter.start ?? filter.end.adding(microseconds: -86_400_000_000)
        let seconds = try AnalyticsInterval.seconds(
            parameters["interval"], rangeSeconds: (filter.end.microseconds - start.microseconds + 999_999) / 1_000_000)
        var by: AnalyticsField?
        if let name = parameters["by"] {
            guard let field = AnalyticsField(name: name) else {
                throw Problem.badParameter(
                    "by", "must be level, service, host, environment, http.status_class or attributes.KEY")
            }
            by = field
        }
        let request = HistogramRequest(
            search: SearchRequest(tenant: tenant, query: filter.query, start: start, end: filter.end),
            intervalMicroseconds: seconds * 1_000_000, by: by, countsErrors: countsErrors)
        return (request, seconds)
    }
}

/// The JSON of a comparison: the range's histogram and the baseline's, bucket for bucket.
struct CompareResponse: Encodable {
    var baselineSeconds: Int64
    var current: HistogramResponse
    var baseline: HistogramResponse
    /// Whether either answer covers less than its range (each says which part it covers).
    var partial: Bool { current.partial || baseline.partial }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(baselineSeconds, forKey: .baselineSeconds)
        try container.encode(current, forKey: .current)
        try container.encode(baseline, forKey: .baseline)
        try container.encode(partial, forKey: .partial)
    }

    enum CodingKeys: String, CodingKey {
        case current, baseline, partial
        case baselineSeconds = "baseline_seconds"
    }
}

/// The JSON of the endpoint table.
struct EndpointsResponse: Encodable {
    var endpoints: [EndpointResponse]
    /// The newest part of the range the table covers when the budget ran out first.
    var covered: CoveredRange?
    var partial: Bool

    init(endpoints: [EndpointResponse], covered: CoveredRange?) {
        self.endpoints = endpoints
        self.covered = covered
        partial = covered != nil
    }
}

/// The JSON of one ``EndpointStats``.
struct EndpointResponse: Encodable {
    var method: String?
    var route: String
    var requests: Int
    var errors: Int
    var errorRate: Double
    var p50: Double?
    var p95: Double?
    var p99: Double?

    init(_ stats: EndpointStats) {
        method = stats.method
        route = stats.route
        requests = stats.requests
        errors = stats.errors
        errorRate = stats.requests == 0 ? 0 : Double(stats.errors) / Double(stats.requests)
        (p50, p95, p99) = (stats.p50, stats.p95, stats.p99)
    }

    enum CodingKeys: String, CodingKey {
        case method, route, requests, errors
        case errorRate = "error_rate"
        case p50 = "p50_ms"
        case p95 = "p95_ms"
        case p99 = "p99_ms"
    }
}

/// The JSON of ``GroupCounts``.
struct GroupByResponse: Encodable {
    struct Group: Encodable {
        /// Each field's value, by the field's name (null when absent).
        var keys: [String: String?]
        var count: Int
    }

    var fields: [String]
    var groups: [Group]
    /// Records in the combinations not listed.
    var other: Int
    var total: Int
    var partial: Bool
    /// The newest part of the range counted when the budget ran out first.
    var covered: CoveredRange?

    init(_ counts: GroupCounts, fields: [AnalyticsField], covered: CoveredRange?) {
        partial = covered != nil
        self.covered = covered
        let names = fields.map(\.description)
        self.fields = names
        groups = counts.groups.map { group in
            Group(keys: Dictionary(uniqueKeysWithValues: zip(names, group.keys)), count: group.count)
        }
        other = counts.other
        total = counts.total
    }
}

/// The JSON of a ``Histogram``.
struct HistogramResponse: Encodable {
    struct Series: Encodable {
        /// The value of the split field; `all` without one, `other` for the rest, null for records
        /// without a value.
        var key: String?
        var total: Int
        var counts: [Int]
        /// For error rates: errors per bucket, their share of the bucket's records (null for an
        /// empty bucket), and in all.
        var errors: [Int]?
        var rates: [Double?]?
        var totalErrors: Int?
        var rate: Double?

        enum CodingKeys: String, CodingKey {
            case key, total, counts, errors, rates, rate
            case totalErrors = "total_errors"
        }
    }

    var interval: String
    var intervalSeconds: Int64
    var start: Timestamp
    var end: Timestamp
    var by: String?
    var buckets: [Timestamp]
    var series: [Series]
    var total: Int
    var partial: Bool
    /// The newest part of the range counted when the budget ran out first.
    var covered: CoveredRange?

    init(
        _ histogram: Histogram, seconds: Int64, start: Timestamp, end: Timestamp, by: AnalyticsField?,
        countsErrors: Bool, covered: CoveredRange?
    ) {
        partial = covered != nil
        self.covered = covered
        interval = AnalyticsInterval.text(seconds)
        intervalSeconds = seconds
        self.start = start
        self.end = end
        self.by = by?.description
        buckets = histogram.buckets
        series = histogram.series.map { series in
            var encoded = Series(key: by == nil ? "all" : series.key, total: series.total, counts: series.counts)
            if countsErrors {
                let errors = series.errors.reduce(0, +)
                encoded.errors = series.errors
                encoded.rates = zip(series.errors, series.counts).map { $1 == 0 ? nil : Double($0) / Double($1) }
                encoded.totalErrors = errors
                encoded.rate = series.total == 0 ? nil : Double(errors) / Double(series.total)
            }
            return encoded
        }
        total = histogram.series.reduce(0) { $0 + $1.total }
    }

    enum CodingKeys: String, CodingKey {
        case interval, start, end, by, buckets, series, total, partial, covered
        case intervalSeconds = "interval_seconds"
    }
}
