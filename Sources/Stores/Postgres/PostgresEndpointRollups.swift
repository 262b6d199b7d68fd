/// Access-log requests per tenant, hour, method, route and latency bucket (``LatencyBuckets``) in
/// `endpoint_latency`, so that the endpoint table of a day reads a few rows per route and bucket
/// instead of every request, with percentiles within 1% of the exact ones.
///
/// Statement triggers keep the table exact (``RollupTriggers``), counting the access-log records
/// (those with `http_path`).
enum PostgresEndpointRollups {
    /// An hour in microseconds, the unit of `endpoint_latency`.
    static let hourMicroseconds: Int64 = 3_600_000_000

    /// Migration 11: the table, its triggers, and the rollups of the records already stored.
    static let schema =
        [
            """
            CREATE TABLE endpoint_latency (
                tenant text NOT NULL,
                hour bigint NOT NULL,
                method text NOT NULL,
                route text NOT NULL,
                bucket integer NOT NULL,
                count bigint NOT NULL,
                errors bigint NOT NULL,
                PRIMARY KEY (tenant, hour, method, route, bucket)
            )
            """
        ]
        + RollupTriggers(
            table: "endpoint_latency", triggerPrefix: "logs_endpoint_latency",
            keys: ["tenant", "hour", "method", "route", "bucket"], sums: ["count", "errors"],
            select: """
                SELECT tenant, floor(extract(epoch FROM ts) / 3600)::bigint AS hour, coalesce(http_method, '') AS method,
                       \(EndpointTable.route) AS route, \(LatencyBuckets.sql("duration_ms")) AS bucket, count(*) AS count,
                       count(*) FILTER (WHERE http_status >= 500) AS errors
                """,
            condition: "http_path IS NOT NULL"
        ).statements
}

extension PostgresLogStore {
    /// The endpoint table from `endpoint_latency` for the whole hours of the range and from the
    /// records for the partial hours at either end, or nil when the request needs the records (a
    /// query, or no whole hour). Request and error counts are exact; percentiles are within 1%.
    func rolledUpEndpoints(_ request: EndpointsRequest) async throws -> [EndpointStats]? {
        guard let plan = RollupPlan(request.search, unitMicroseconds: PostgresEndpointRollups.hourMicroseconds) else {
            return nil
        }
        var builder = SQLBuilder<PostgresDialect>()
        var parts = [
            """
            SELECT NULLIF(method, '') AS m, route AS r, bucket AS b, count AS c, errors AS e FROM endpoint_latency \
            WHERE \(plan.conditions(tenant: request.search.tenant, column: "hour", &builder))
            """
        ]
        for edge in plan.edges {
            parts.append(
                """
                SELECT http_method, \(EndpointTable.route), \(LatencyBuckets.sql("duration_ms")), 1, \
                CASE WHEN http_status >= 500 THEN 1 ELSE 0 END FROM logs \
                WHERE \(builder.searchCondition(edge)) AND http_path IS NOT NULL
                """)
        }
        let sql = """
            WITH buckets AS (\(parts.joined(separator: " UNION ALL "))), \
            routes AS (SELECT m, r, sum(c) AS n, sum(e) AS errors FROM buckets GROUP BY 1, 2 HAVING sum(c) > 0 \
            ORDER BY 3 DESC, 2, 1 LIMIT \(builder.bind(.integer(Int64(request.limit))))) \
            SELECT routes.m, routes.r, routes.n::int8, routes.errors::int8, b, sum(c)::int8 \
            FROM routes JOIN buckets ON buckets.r = routes.r AND buckets.m IS NOT DISTINCT FROM routes.m \
            GROUP BY 1, 2, 3, 4, 5 HAVING sum(c) > 0 ORDER BY 3 DESC, 2, 1, 5
            """
        return try EndpointTable.endpoints(bucketRows: try await execute(sql, builder.values))
    }
}
