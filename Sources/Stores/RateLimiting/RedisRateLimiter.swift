import Crypto
import Foundation
import LogModel

/// The cluster-wide ``RateLimiter``: one Redis key per limit and key holding the theoretical
/// arrival time, read and written by one Lua script so that concurrent replicas never both take
/// the last unit. The script is run by its SHA (`EVALSHA`); when Redis answers `NOSCRIPT` (after a
/// restart or `SCRIPT FLUSH`) it is sent whole with `EVAL`, which runs it and caches it again in one
/// step, so a flush between a separate load and run cannot fail the call.
///
/// Time comes from `clock`, anchored to the wall clock when the limiter is made, so replicas on
/// NTP-synchronised hosts share one timeline; the script and ``CellRate`` do the same arithmetic
/// on the same doubles, so a decision here is the one the in-process limiter would make.
public struct RedisRateLimiter<LimiterClock: Clock<Duration>>: RateLimiter {
    private let client: RedisClient
    private let clock: LimiterClock
    private let origin: LimiterClock.Instant
    private let originSeconds: Double
    private let prefix: String

    /// Creates a limiter; keys are `<prefix><limit name>:<key>`.
    public init(client: RedisClient, clock: LimiterClock, prefix: String = "logsmith:rl:") {
        self.client = client
        self.clock = clock
        self.origin = clock.now
        self.originSeconds = Date().timeIntervalSince1970
        self.prefix = prefix
    }

    /// Takes `cost` units atomically in Redis.
    /// - Throws: ``StoreError`` `unavailable` when Redis cannot answer.
    public func acquire(_ key: String, cost: Int, limit: RateLimit) async throws -> RateLimitDecision {
        let now = originSeconds + origin.duration(to: clock.now) / .seconds(1)
        let arguments = [
            prefix + limit.name + ":" + key, Self.exact(now), String(cost), Self.exact(1 / limit.perSecond),
            String(limit.burst),
        ]
        var reply = try await client.command(["EVALSHA", RateLimitScript.sha, "1"] + arguments)
        if case .error(let message) = reply, message.hasPrefix("NOSCRIPT") {
            reply = try await client.command(["EVAL", RateLimitScript.source, "1"] + arguments)
        }
        guard case .array(let values) = reply, values.count == 1, let text = values[0].string,
            let arrival = Double(text)
        else { throw StoreError(.unavailable, "unexpected answer from the rate limit script") }
        return CellRate.decide(now: now, storedArrival: arrival, cost: cost, limit: limit).decision
    }

    /// Doubles as text that parse back to the same bits, in Swift and in Lua.
    private static func exact(_ value: Double) -> String {
        String(format: "%.17g", value)
    }
}

/// The limiter's Lua script and its SHA-1.
enum RateLimitScript {
    /// GCRA in Lua, the same steps as ``CellRate/decide(now:storedArrival:cost:limit:)``: it
    /// stores the new arrival time when the cost fits, and returns the arrival time it decided on,
    /// from which the caller derives the same decision. The key expires a minute after its
    /// arrival time has passed: Redis expires on its own clock, so the margin keeps a replica whose
    /// clock lags Redis's (or a test clock) from seeing a key vanish while it still limits.
    static let source = """
        local stored = tonumber(redis.call('GET', KEYS[1]))
        local now = tonumber(ARGV[1])
        local cost = tonumber(ARGV[2])
        local interval = tonumber(ARGV[3])
        local burst = tonumber(ARGV[4])
        local arrival = math.max(stored or now, now)
        local candidate = arrival + interval * cost
        if cost <= burst and now + 1e-9 >= candidate - interval * burst then
          local ttl = math.ceil((candidate - now) * 1000) + 60000
          redis.call('SET', KEYS[1], string.format('%.17g', candidate), 'PX', ttl)
        end
        return {string.format('%.17g', arrival)}
        """

    /// The script's SHA-1, as `EVALSHA` names it.
    static let sha = Hex.encode(Insecure.SHA1.hash(data: Data(source.utf8)))
}
