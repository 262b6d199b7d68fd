import Hummingbird

/// Refuses a request that names a query parameter its route does not take (400 naming it and the
/// parameters the route does take), so a misspelt or unsupported option is never silently ignored.
struct QueryParameterMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    /// The parameters of each route that takes any, by method and route template; every other route
    /// takes none.
    static let parameters: [String: [String]] = {
        let filter = ["q", "start", "end"]
        let read = filter + ["budget_ms"]
        let tenant = ["tenant"]
        // What Elasticsearch's clients may add; accepted and of no effect (records are searchable
        // once committed, as `refresh=true` asks).
        let elasticsearch = ["filter_path", "pretty", "human", "error_trace"]
        let bulk =
            elasticsearch + [
                "refresh", "pipeline", "routing", "timeout", "wait_for_active_shards", "require_alias",
                "require_data_stream",
            ]
        return [
            "GET /": elasticsearch,
            "POST /_bulk": bulk, "PUT /_bulk": bulk, "POST /{index}/_bulk": bulk, "PUT /{index}/_bulk": bulk,
            "GET /api/v1/logs": read + ["limit", "cursor"],
            "GET /api/v1/correlations/{id}": ["budget_ms"],
            "GET /api/v1/stats": read,
            "GET /api/v1/analytics/histogram": read + ["interval", "by"],
            "GET /api/v1/analytics/error-rate": read + ["interval", "by"],
            "GET /api/v1/analytics/compare": read + ["interval", "by", "baseline"],
            "GET /api/v1/analytics/group-by": read + ["fields", "limit", "order"],
            "GET /api/v1/analytics/endpoints": read + ["limit"],
            "GET /api/v1/patterns": read + ["limit", "sort"],
            "GET /api/v1/patterns/{id}": read,
            "GET /api/v1/tail": ["q", "since"],
            "GET /api/v1/alerts": ["rule", "state"],
            "GET /api/v1/alerts/history": ["rule", "state", "group", "cursor", "limit"],
            "GET /api/v1/alerts/deliveries": ["rule", "cursor", "limit"],
            "POST /api/v1/upload": UploadOptions.parameterNames,
            "DELETE /api/v1/admin/logs": filter + tenant,
            "DELETE /api/v1/admin/logs/{id}": tenant,
            "GET /api/v1/admin/keys": tenant,
            "POST /api/v1/admin/keys": tenant,
            "DELETE /api/v1/admin/keys/{id}": tenant,
            "GET /api/v1/admin/users": tenant,
            "POST /api/v1/admin/users": tenant,
            "POST /api/v1/admin/users/{username}/disable": tenant,
        ]
    }()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard let query = request.uri.query, !query.isEmpty else { return try await next(request, context) }
        let allowed = Self.parameters["\(request.method.rawValue) \(context.endpointPath ?? "")"] ?? []
        if let unknown = try FormQuery.names(query).sorted().first(where: { !allowed.contains($0) }) {
            let takes =
                allowed.isEmpty
                ? "this route takes no parameters" : "this route takes " + allowed.joined(separator: ", ")
            throw Problem.badParameter(String(unknown.prefix(64)), "is not a parameter of this route; \(takes)")
        }
        return try await next(request, context)
    }
}
