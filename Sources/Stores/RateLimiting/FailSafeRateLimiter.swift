/// Wraps a limiter whose backend can fail (Redis) and decides what a failure means: by default the
/// request is allowed (fail open: a dead Redis must not stop ingest), or, when configured, it is
/// refused as unavailable (fail closed). Every failure is reported to `onFailure`.
public struct FailSafeRateLimiter: RateLimiter {
    /// What a backend failure means for the request.
    public enum Mode: Sendable {
        /// Allow the request as if the limit had room.
        case failOpen
        /// Refuse it with the backend's `unavailable` error (a 503 to the client).
        case failClosed
    }

    private let base: any RateLimiter
    private let mode: Mode
    private let onFailure: @Sendable (any Error) -> Void

    /// Wraps `base`.
    public init(_ base: any RateLimiter, mode: Mode, onFailure: @escaping @Sendable (any Error) -> Void) {
        self.base = base
        self.mode = mode
        self.onFailure = onFailure
    }

    /// The base limiter's decision, or the failure mode's when the backend is unavailable.
    public func acquire(_ key: String, cost: Int, limit: RateLimit) async throws -> RateLimitDecision {
        try await acquireAlone(key, cost: cost, limit: limit)
    }

    /// The base limiter's decisions, or the failure mode's when the backend is unavailable (failing
    /// open, every request is allowed).
    public func acquire(inOrder requests: [RateLimitRequest]) async throws -> [RateLimitDecision] {
        do {
            return try await base.acquire(inOrder: requests)
        } catch let error as StoreError where error.code == .unavailable {
            onFailure(error)
            guard mode == .failOpen else { throw error }
            return requests.map { request in
                RateLimitDecision(
                    allowed: true, limit: request.limit.burst, remaining: request.limit.burst, resetSeconds: 0,
                    retryAfterSeconds: nil)
            }
        }
    }
}
