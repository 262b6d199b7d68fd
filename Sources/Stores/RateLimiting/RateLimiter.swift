/// A named limit: a sustained rate and the burst allowed above it.
public struct RateLimit: Sendable, Hashable {
    /// The limit's name, used in keys, metrics and error messages (e.g. `ingest.records`).
    public var name: String
    /// Units allowed per second, sustained.
    public var perSecond: Double
    /// Units allowed at once when the limiter has been idle.
    public var burst: Int

    /// Creates a limit.
    public init(name: String, perSecond: Double, burst: Int) {
        self.name = name
        self.perSecond = perSecond
        self.burst = burst
    }
}

/// What a limiter decided about one request, with what the IETF `RateLimit` headers report.
public struct RateLimitDecision: Sendable, Hashable {
    /// Whether the request may go ahead (its cost was taken).
    public var allowed: Bool
    /// The burst size, reported as `RateLimit-Limit`.
    public var limit: Int
    /// Units left right now, reported as `RateLimit-Remaining`.
    public var remaining: Int
    /// Seconds until the full burst is available again, reported as `RateLimit-Reset`.
    public var resetSeconds: Int
    /// When refused: seconds to wait before the same request can succeed, reported as `Retry-After`.
    public var retryAfterSeconds: Int?

    /// Creates a decision.
    public init(allowed: Bool, limit: Int, remaining: Int, resetSeconds: Int, retryAfterSeconds: Int?) {
        self.allowed = allowed
        self.limit = limit
        self.remaining = remaining
        self.resetSeconds = resetSeconds
        self.retryAfterSeconds = retryAfterSeconds
    }
}

/// Decides whether a request of some cost fits within a limit for a key (a tenant, a client address).
///
/// Contract: the generic cell rate algorithm. Over any interval of `t` seconds a key is allowed at
/// most `burst + perSecond * t` units; a refused request takes nothing; a request costing more than
/// the burst is always refused.
public protocol RateLimiter: Sendable {
    /// Takes `cost` units of `limit` for `key` if they fit, and reports the state either way.
    func acquire(_ key: String, cost: Int, limit: RateLimit) async throws -> RateLimitDecision

    /// Takes each request in order as ``acquire(_:cost:limit:)`` would, stopping at the first that
    /// is refused: the decisions made, the last one the refusal when there is one. A limiter with a
    /// backend does it in one round trip.
    func acquire(inOrder requests: [RateLimitRequest]) async throws -> [RateLimitDecision]
}

extension RateLimiter {
    /// One ``acquire(_:cost:limit:)`` after the other, for a limiter whose calls cost no round trip.
    public func acquire(inOrder requests: [RateLimitRequest]) async throws -> [RateLimitDecision] {
        var decisions: [RateLimitDecision] = []
        for request in requests {
            let decision = try await acquire(request.key, cost: request.cost, limit: request.limit)
            decisions.append(decision)
            if !decision.allowed { break }
        }
        return decisions
    }

    /// ``acquire(_:cost:limit:)`` as a sequence of one, for a limiter built on
    /// ``acquire(inOrder:)``.
    func acquireAlone(_ key: String, cost: Int, limit: RateLimit) async throws -> RateLimitDecision {
        guard let decision = try await acquire(inOrder: [RateLimitRequest(key: key, cost: cost, limit: limit)]).first
        else { throw StoreError(.unavailable, "the limiter decided nothing") }
        return decision
    }
}

/// One acquisition of a sequence (see ``RateLimiter/acquire(inOrder:)``).
public struct RateLimitRequest: Sendable, Hashable {
    /// What the limit is kept for (a tenant, a client address).
    public var key: String
    /// The units to take.
    public var cost: Int
    /// The limit.
    public var limit: RateLimit

    /// Creates a request.
    public init(key: String, cost: Int, limit: RateLimit) {
        self.key = key
        self.cost = cost
        self.limit = limit
    }
}

/// The arithmetic of the generic cell rate algorithm, on seconds as `Double`, shared by every
/// implementation so they decide alike.
public enum CellRate {
    /// The decision and the new theoretical arrival time for a request at `now`, given the key's
    /// stored theoretical arrival time (nil for a new key). Times are seconds on one clock.
    public static func decide(now: Double, storedArrival: Double?, cost: Int, limit: RateLimit) -> (
        decision: RateLimitDecision, newArrival: Double?
    ) {
        let interval = 1 / limit.perSecond
        let tolerance = interval * Double(limit.burst)
        let arrival = max(storedArrival ?? now, now)
        let candidate = arrival + interval * Double(cost)
        let allowedAt = candidate - tolerance
        if cost > limit.burst || now + epsilon < allowedAt {
            let wait = cost > limit.burst ? tolerance : allowedAt - now
            return (
                RateLimitDecision(
                    allowed: false, limit: limit.burst, remaining: remaining(arrival, now, tolerance, interval),
                    resetSeconds: Int((arrival - now).rounded(.up)), retryAfterSeconds: max(1, Int(wait.rounded(.up)))),
                nil
            )
        }
        return (
            RateLimitDecision(
                allowed: true, limit: limit.burst, remaining: remaining(candidate, now, tolerance, interval),
                resetSeconds: Int((candidate - now).rounded(.up)), retryAfterSeconds: nil),
            candidate
        )
    }

    /// Slack for floating-point rounding, so that exactly-fitting requests fit.
    private static let epsilon = 1e-9

    private static func remaining(_ arrival: Double, _ now: Double, _ tolerance: Double, _ interval: Double) -> Int {
        max(0, Int(((tolerance - (arrival - now)) / interval + epsilon).rounded(.down)))
    }
}
