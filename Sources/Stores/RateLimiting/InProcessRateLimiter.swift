import Synchronization

/// The ``RateLimiter`` of the embedded mode: per-process state behind a lock, on an injected clock.
public final class InProcessRateLimiter<LimiterClock: Clock<Duration>>: RateLimiter {
    private let clock: LimiterClock
    private let origin: LimiterClock.Instant
    /// Theoretical arrival time per limit and key, in seconds since `origin`.
    private let arrivals = Mutex<[String: Double]>([:])

    /// Creates a limiter on a clock.
    public init(clock: LimiterClock) {
        self.clock = clock
        self.origin = clock.now
    }

    /// Decides with ``CellRate``; keys whose arrival time has passed are forgotten now and then, so
    /// memory stays bounded by the keys active within the longest burst window.
    public func acquire(_ key: String, cost: Int, limit: RateLimit) async throws -> RateLimitDecision {
        let elapsed = origin.duration(to: clock.now)
        let now = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let slot = limit.name + "\u{1F}" + key
        return arrivals.withLock { arrivals in
            if arrivals.count > 100_000 { arrivals = arrivals.filter { $0.value > now } }
            let (decision, newArrival) = CellRate.decide(
                now: now, storedArrival: arrivals[slot], cost: cost, limit: limit)
            if let newArrival { arrivals[slot] = newArrival }
            return decision
        }
    }
}
