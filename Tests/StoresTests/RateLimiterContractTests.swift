import Stores
import TestSupport
import Testing

/// The contract every ``RateLimiter`` keeps (generic cell rate algorithm), on a clock the test moves.
@Suite("RateLimiter contract")
struct RateLimiterContractTests {
    let limit = RateLimit(name: "test", perSecond: 10, burst: 20)

    @Test("a burst is allowed at once, then refused with a wait, then refilled at the rate")
    func acquire_burstThenRefill() async throws {
        let clock = ManualClock()
        let limiter = InProcessRateLimiter(clock: clock)
        let first = try await limiter.acquire("k", cost: 20, limit: limit)
        #expect(first.allowed && first.remaining == 0 && first.limit == 20 && first.resetSeconds == 2)
        let refused = try await limiter.acquire("k", cost: 1, limit: limit)
        #expect(!refused.allowed && refused.retryAfterSeconds == 1)
        clock.advance(by: .milliseconds(500))
        let afterHalfSecond = try await limiter.acquire("k", cost: 5, limit: limit)
        #expect(afterHalfSecond.allowed && afterHalfSecond.remaining == 0)
        #expect(try await !limiter.acquire("k", cost: 1, limit: limit).allowed)
        clock.advance(by: .seconds(10))
        let full = try await limiter.acquire("k", cost: 1, limit: limit)
        #expect(full.allowed && full.remaining == 19)
    }

    @Test("over any window, allowed units never exceed burst plus rate times time")
    func acquire_neverExceedsBound() async throws {
        let clock = ManualClock()
        let limiter = InProcessRateLimiter(clock: clock)
        var allowed = 0
        for _ in 0..<300 {
            if try await limiter.acquire("k", cost: 1, limit: limit).allowed { allowed += 1 }
            clock.advance(by: .milliseconds(10))
        }
        #expect(allowed <= 20 + 10 * 3)
        #expect(allowed >= 10 * 3)
    }

    @Test("keys and limits are independent; a cost over the burst is always refused")
    func acquire_independentKeys() async throws {
        let limiter = InProcessRateLimiter(clock: ManualClock())
        #expect(try await limiter.acquire("a", cost: 20, limit: limit).allowed)
        #expect(try await limiter.acquire("b", cost: 20, limit: limit).allowed)
        let other = RateLimit(name: "other", perSecond: 1, burst: 1)
        #expect(try await limiter.acquire("a", cost: 1, limit: other).allowed)
        let tooBig = try await limiter.acquire("c", cost: 21, limit: limit)
        #expect(!tooBig.allowed && tooBig.retryAfterSeconds != nil)
        #expect(try await limiter.acquire("c", cost: 20, limit: limit).allowed)
    }
}
