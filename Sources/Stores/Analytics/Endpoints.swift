/// What the endpoint table covers: access-log records (those with `http.path`) of a search's
/// tenant, query and time range, the `limit` busiest routes.
public struct EndpointsRequest: Sendable, Hashable {
    /// The tenant, the query and the range.
    public var search: SearchRequest
    /// How many endpoints, busiest first.
    public var limit: Int

    /// Creates a request.
    public init(search: SearchRequest, limit: Int) {
        self.search = search
        self.limit = limit
    }
}

/// One endpoint: a method and a route (``RouteTemplate``), its requests, server errors (5xx) and
/// latency percentiles over the records that have `duration_ms`, as PostgreSQL's `percentile_cont`
/// computes them (linear between the two nearest ranks), or within 1% of that when read from
/// latency buckets (``LatencyBuckets``).
public struct EndpointStats: Sendable, Hashable {
    /// The method; nil for records without one.
    public var method: String?
    /// The route.
    public var route: String
    /// Requests.
    public var requests: Int
    /// Requests with a status of 500 or more.
    public var errors: Int
    /// The median latency in milliseconds; nil without durations.
    public var p50: Double?
    /// The 95th percentile of latency in milliseconds; nil without durations.
    public var p95: Double?
    /// The 99th percentile of latency in milliseconds; nil without durations.
    public var p99: Double?
}

/// The endpoint table's SQL, shared by both stores: the busiest routes with their counts, then the
/// order statistics each percentile needs (two rows per percentile and route, picked by window
/// functions in the database).
enum SQLEndpoints<Dialect: SQLDialect> {
    static var percents: [Int64] { EndpointTable.percents }
    static var route: String { EndpointTable.route }

    /// The endpoint table of `request`: the busiest routes, then their percentiles, each statement
    /// run by `run`.
    static func endpoints(for request: EndpointsRequest, run: StatementRunner) async throws -> [EndpointStats] {
        let counts = countsStatement(request)
        let countRows = try await run(counts.sql, counts.values)
        let routes = Array(Set(countRows.compactMap { $0[1]?.text }))
        guard !routes.isEmpty else { return [] }
        let ranks = percentilesStatement(request, routes: routes)
        return try EndpointTable.endpoints(counts: countRows, ranks: try await run(ranks.sql, ranks.values))
    }

    static func countsStatement(_ request: EndpointsRequest) -> (sql: String, values: [SQLValue]) {
        var builder = SQLBuilder<Dialect>()
        let condition = builder.searchCondition(request.search)
        let sql = """
            SELECT http_method, \(route), count(*), sum(CASE WHEN http_status >= 500 THEN 1 ELSE 0 END) FROM logs \
            WHERE \(condition) AND http_path IS NOT NULL GROUP BY 1, 2 ORDER BY 3 DESC, 2, 1 \
            LIMIT \(builder.bind(.integer(Int64(request.limit))))
            """
        return (sql, builder.values)
    }

    static func percentilesStatement(_ request: EndpointsRequest, routes: [String]) -> (sql: String, values: [SQLValue])
    {
        var builder = SQLBuilder<Dialect>()
        let condition = builder.searchCondition(request.search)
        let listed = routes.map { builder.bind($0) }.joined(separator: ", ")
        let ranks = percents.map { percent in
            "i - 1 = \(percent) * (n - 1) / 100 OR i - 2 = \(percent) * (n - 1) / 100"
        }.joined(separator: " OR ")
        let sql = """
            SELECT m, r, i, n, d FROM (SELECT http_method AS m, \(route) AS r, duration_ms AS d, \
            row_number() OVER (PARTITION BY http_method, \(route) ORDER BY duration_ms) AS i, \
            count(*) OVER (PARTITION BY http_method, \(route)) AS n \
            FROM logs WHERE \(condition) AND duration_ms IS NOT NULL AND \(route) IN (\(listed))) AS ranked \
            WHERE \(ranks)
            """
        return (sql, builder.values)
    }

}

/// What both stores' endpoint tables share outside SQL: the percentiles and the folding of rows.
enum EndpointTable {
    /// The percentiles, in hundredths.
    static let percents: [Int64] = [50, 95, 99]
    /// A record's route: its `http_route` column, else its path.
    static let route = "coalesce(http_route, http_path)"

    private struct Key: Hashable {
        var method: String?
        var route: String
    }

    /// The endpoints from the counts and the order statistics.
    static func endpoints(counts: [[SQLValue?]], ranks: [[SQLValue?]]) throws -> [EndpointStats] {
        var ordered: [Key: (count: Int, values: [Int: Double])] = [:]
        for row in ranks {
            let key = Key(method: row[0]?.text, route: try row.text(1))
            let count = Int(try row.integer(3))
            ordered[key, default: (count, [:])].values[Int(try row.integer(2))] = row[4]?.number
        }
        return try counts.map { row in
            let key = Key(method: row[0]?.text, route: try row.text(1))
            var stats = EndpointStats(
                method: key.method, route: key.route, requests: Int(try row.integer(2)), errors: Int(try row.integer(3))
            )
            if let (count, values) = ordered[key] {
                let percentiles = percents.map { percentile($0, count: count, values: values) }
                (stats.p50, stats.p95, stats.p99) = (percentiles[0], percentiles[1], percentiles[2])
            }
            return stats
        }
    }

    /// The endpoints from rows of method, route, requests, errors, latency bucket and its count, in
    /// the table's order with each endpoint's buckets ascending (``LatencyBuckets``).
    static func endpoints(bucketRows: [[SQLValue?]]) throws -> [EndpointStats] {
        var endpoints: [EndpointStats] = []
        var buckets: [[(bucket: Int64, count: Int)]] = []
        for row in bucketRows {
            let method = row[0]?.text
            let route = try row.text(1)
            if endpoints.last.map({ $0.method != method || $0.route != route }) ?? true {
                endpoints.append(
                    EndpointStats(
                        method: method, route: route, requests: Int(try row.integer(2)),
                        errors: Int(try row.integer(3))))
                buckets.append([])
            }
            let bucket = try row.integer(4)
            if bucket != LatencyBuckets.missing { buckets[buckets.count - 1].append((bucket, Int(try row.integer(5)))) }
        }
        for index in endpoints.indices {
            let percentiles = LatencyBuckets.percentiles(buckets[index])
            (endpoints[index].p50, endpoints[index].p95, endpoints[index].p99) =
                (percentiles[0], percentiles[1], percentiles[2])
        }
        return endpoints
    }

    /// `percentile_cont`: the value at position `percent`% of (n - 1), between the two ranks around it.
    static func percentile(_ percent: Int64, count: Int, values: [Int: Double]) -> Double? {
        let position = percent * Int64(count - 1)
        let lower = Int(position / 100) + 1
        guard let low = values[lower] else { return nil }
        let fraction = Double(position % 100) / 100
        guard fraction > 0, let high = values[lower + 1] else { return low }
        return low + (high - low) * fraction
    }
}

extension EndpointStats {
    init(method: String?, route: String, requests: Int, errors: Int) {
        self.init(method: method, route: route, requests: requests, errors: errors, p50: nil, p95: nil, p99: nil)
    }
}

extension SQLValue {
    /// The number, when the value is a number.
    var number: Double? {
        switch self {
        case .double(let value): value
        case .integer(let value): Double(value)
        default: nil
        }
    }
}
