import Access
import HTTPTypes
import Hummingbird
import Stores
import Telemetry

/// The limits the service enforces, from configuration; a nil limit is off.
struct RateLimits: Sendable {
    /// Records ingested per second, per tenant.
    var ingestRecords: RateLimit?
    /// Request-body bytes ingested per second, per tenant.
    var ingestBytes: RateLimit?
    /// Records ingested per second, per credential (API key or user).
    var ingestRecordsPerCredential: RateLimit?
    /// Search and read requests per second, per client address.
    var search: RateLimit?
    /// Search and read requests per second, per tenant, from all its addresses.
    var searchPerTenant: RateLimit?
    /// Bytes of search pages per second, per tenant.
    var searchBytesPerTenant: RateLimit?
    /// Login attempts per client address.
    var login = RateLimit(name: "auth.login", perSecond: 10.0 / 60, burst: 10)
    /// Login attempts per username, from all addresses: ten times the per-address limit, so that one
    /// address alone cannot lock a user out, while a guessing attack spread over many stays slow.
    var loginPerUser = RateLimit(name: "auth.login.user", perSecond: 100.0 / 60, burst: 100)

    init(_ configuration: AppConfiguration) {
        ingestRecords = Self.limit(
            "ingest.records", configuration.ingestRecordsPerSecond, atLeast: configuration.maxRecordsPerRequest)
        ingestBytes = Self.limit(
            "ingest.bytes", configuration.ingestBytesPerSecond, atLeast: configuration.maxBodyBytes)
        ingestRecordsPerCredential = Self.limit(
            "ingest.records.credential", configuration.ingestRecordsPerCredentialPerSecond,
            atLeast: configuration.maxRecordsPerRequest)
        search = Self.limit("search.requests", configuration.searchRequestsPerSecond, atLeast: 1)
        searchPerTenant = Self.limit(
            "search.requests.tenant", configuration.searchRequestsPerTenantPerSecond, atLeast: 1)
        searchBytesPerTenant = Self.limit(
            "search.bytes.tenant", configuration.searchBytesPerTenantPerSecond, atLeast: configuration.maxPageBytes)
    }

    /// A limit whose burst is one second's worth, but never less than one largest request, so that
    /// every request the other limits allow can pass at some point; nil when the rate is 0 (off).
    private static func limit(_ name: String, _ perSecond: Int, atLeast largestRequest: Int) -> RateLimit? {
        guard perSecond > 0 else { return nil }
        return RateLimit(name: name, perSecond: Double(perSecond), burst: max(perSecond, largestRequest))
    }
}

/// Applies limits to requests: answers 429 with `Retry-After` and the IETF `RateLimit-*` headers
/// when one is exceeded, and hands back the headers to put on a successful answer.
struct RateLimitGate<Limiter: RateLimiter> {
    let limiter: Limiter
    let metrics: ServiceMetrics

    /// Takes `cost` of each limit for its key; throws 429 on the first that does not fit. The
    /// headers returned (and those of a 429) describe the first limit, or the one that refused.
    func enforce(_ checks: [(limit: RateLimit?, key: String, cost: Int)]) async throws -> HTTPFields {
        let requests = checks.compactMap { check in
            check.limit.map { RateLimitRequest(key: check.key, cost: check.cost, limit: $0) }
        }
        var headers = HTTPFields()
        for (request, decision) in zip(requests, try await limiter.acquire(inOrder: requests)) {
            let limit = request.limit
            if headers.isEmpty || !decision.allowed { headers = Self.headers(decision) }
            guard decision.allowed else {
                metrics.rateLimited(limit: limit.name)
                headers[.retryAfter] = String(decision.retryAfterSeconds ?? 1)
                throw Problem(
                    status: .tooManyRequests, kind: "rate-limited",
                    detail: "\(limit.name) limit of \(limit.burst) per second exceeded; retry after "
                        + "\(decision.retryAfterSeconds ?? 1) s",
                    headers: headers)
            }
        }
        return headers
    }

    /// Applies the read limits (search, reads by ID, `auth/me`): per client address, then per tenant,
    /// so that a tenant reading from many addresses still takes only its share of the server.
    func enforceRead(_ limits: RateLimits, _ context: AppRequestContext) async throws -> HTTPFields {
        try await enforce([
            (limits.search, context.clientAddress ?? "unknown", 1),
            (context.identity == nil ? nil : limits.searchPerTenant, context.identity?.tenant ?? "", 1),
        ])
    }

    private static func headers(_ decision: RateLimitDecision) -> HTTPFields {
        var headers = HTTPFields()
        headers[.rateLimitLimit] = String(decision.limit)
        headers[.rateLimitRemaining] = String(decision.remaining)
        headers[.rateLimitReset] = String(decision.resetSeconds)
        return headers
    }
}

extension HTTPField.Name {
    /// `RateLimit-Limit` (IETF draft-ietf-httpapi-ratelimit-headers).
    static let rateLimitLimit = HTTPField.Name("RateLimit-Limit")!
    /// `RateLimit-Remaining`.
    static let rateLimitRemaining = HTTPField.Name("RateLimit-Remaining")!
    /// `RateLimit-Reset`.
    static let rateLimitReset = HTTPField.Name("RateLimit-Reset")!
}
