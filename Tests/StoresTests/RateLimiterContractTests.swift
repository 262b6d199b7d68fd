import Foundation
import Stores
import TestSupport
import Testing

/// The rate limiters under contract.
enum LimiterKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case inProcess
    case redis

    var testDescription: String { rawValue }

    /// A fresh limiter on `clock`; Redis limiters get a key prefix of their own, so tests never share state.
    func make(clock: ManualClock) throws -> any RateLimiter {
        switch self {
        case .inProcess: return InProcessRateLimiter(clock: clock)
        case .redis:
            return RedisRateLimiter(
                client: RedisClient(configuration: try testRedisConfiguration()), clock: clock,
                prefix: "test:\(UUID().uuidString):")
        }
    }
}

/// The Redis of `scripts/test`.
func testRedisConfiguration() throws -> RedisConfiguration {
    try RedisConfiguration(
        url: try #require(
            ProcessInfo.processInfo.environment["LOGSMITH_TEST_REDIS_URL"],
            "set LOGSMITH_TEST_REDIS_URL to a Redis (scripts/test does)"))
}

/// The contract every ``RateLimiter`` keeps (generic cell rate algorithm), on a clock the test
/// moves, for the in-process and the Redis implementation alike.
@Suite("RateLimiter contract")
struct RateLimiterContractTests {
    let limit = RateLimit(name: "test", perSecond: 10, burst: 20)

    @Test(
        "a burst is allowed at once, then refused with a wait, then refilled at the rate",
        arguments: LimiterKind.allCases)
    func acquire_burstThenRefill(kind: LimiterKind) async throws {
        let clock = ManualClock()
        let limiter = try kind.make(clock: clock)
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

    @Test("over any window, allowed units never exceed burst plus rate times time", arguments: LimiterKind.allCases)
    func acquire_neverExceedsBound(kind: LimiterKind) async throws {
        let clock = ManualClock()
        let limiter = try kind.make(clock: clock)
        var allowed = 0
        for _ in 0..<300 {
            if try await limiter.acquire("k", cost: 1, limit: limit).allowed { allowed += 1 }
            clock.advance(by: .milliseconds(10))
        }
        #expect(allowed <= 20 + 10 * 3)
        #expect(allowed >= 10 * 3)
    }

    @Test("keys and limits are independent; a cost over the burst is always refused", arguments: LimiterKind.allCases)
    func acquire_independentKeys(kind: LimiterKind) async throws {
        let limiter = try kind.make(clock: ManualClock())
        #expect(try await limiter.acquire("a", cost: 20, limit: limit).allowed)
        #expect(try await limiter.acquire("b", cost: 20, limit: limit).allowed)
        let other = RateLimit(name: "other", perSecond: 1, burst: 1)
        #expect(try await limiter.acquire("a", cost: 1, limit: other).allowed)
        let tooBig = try await limiter.acquire("c", cost: 21, limit: limit)
        #expect(!tooBig.allowed && tooBig.retryAfterSeconds != nil)
        #expect(try await limiter.acquire("c", cost: 20, limit: limit).allowed)
    }

    @Test(
        "requests in order are taken as one acquire after the other, up to the first refused",
        arguments: LimiterKind.allCases)
    func acquireInOrder_stopsAtFirstRefusal(kind: LimiterKind) async throws {
        let clock = ManualClock()
        let (inOrder, oneByOne) = (try kind.make(clock: clock), try kind.make(clock: clock))
        let small = RateLimit(name: "small", perSecond: 1, burst: 3)
        let sequences: [[RateLimitRequest]] = [
            [.init(key: "t", cost: 2, limit: limit), .init(key: "t", cost: 2, limit: small)],
            [
                .init(key: "t", cost: 5, limit: limit), .init(key: "t", cost: 2, limit: small),
                .init(key: "u", cost: 1, limit: small),
            ],
            [.init(key: "u", cost: 1, limit: small), .init(key: "t", cost: 20, limit: limit)],
            [],
        ]
        for requests in sequences {
            var expected: [Bool] = []
            for request in requests {
                expected.append(
                    try await oneByOne.acquire(request.key, cost: request.cost, limit: request.limit).allowed)
                if expected.last == false { break }
            }
            #expect(try await inOrder.acquire(inOrder: requests).map(\.allowed) == expected)
            clock.advance(by: .milliseconds(100))
        }
        // The second sequence stopped at its refusal: "u" was not charged there, so it has two units left.
        #expect(try await inOrder.acquire(inOrder: [.init(key: "u", cost: 2, limit: small)]).map(\.allowed) == [true])
    }
}
