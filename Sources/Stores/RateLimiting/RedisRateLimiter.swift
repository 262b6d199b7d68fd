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
        try await acquireAlone(key, cost: cost, limit: limit)
    }

    /// Takes the requests in order in one script run: one round trip, and no other replica's call
    /// between them.
    /// - Throws: ``StoreError`` `unavailable` when Redis cannot answer.
    public func acquire(inOrder requests: [RateLimitRequest]) async throws -> [RateLimitDecision] {
        guard !requests.isEmpty else { return [] }
        let now = originSeconds + origin.duration(to: clock.now) / .seconds(1)
        let keys = requests.map { prefix + $0.limit.name + ":" + $0.key }
        let limits = requests.flatMap { [String($0.cost), Self.exact(1 / $0.limit.perSecond), String($0.limit.burst)] }
        let arguments = [String(requests.count)] + keys + [Self.exact(now)] + limits
        var reply = try await client.command(["EVALSHA", RateLimitScript.sha] + arguments)
        if case .error(let message) = reply, message.hasPrefix("NOSCRIPT") {
            reply = try await client.command(["EVAL", RateLimitScript.source] + arguments)
        }
        guard case .array(let values) = reply, (1...requests.count).contains(values.count) else {
            throw StoreError(.unavailable, "unexpected answer from the rate limit script")
        }
        return try zip(requests, values).map { request, value in
            guard let text = value.string, let arrival = Double(text) else {
                throw StoreError(.unavailable, "unexpected answer from the rate limit script")
            }
            return CellRate.decide(now: now, storedArrival: arrival, cost: request.cost, limit: request.limit).decision
        }
    }

    /// Doubles as text that parse back to the same bits, in Swift and in Lua.
    private static func exact(_ value: Double) -> String {
        String(format: "%.17g", value)
    }
}

/// The limiter's Lua script and its SHA-1.
enum RateLimitScript {
    /// GCRA in Lua, the same steps as ``CellRate/decide(now:storedArrival:cost:limit:)``, for each
    /// key in order (`ARGV[1]` is the time, then cost, interval and burst per key): it stores the new
    /// arrival time of a cost that fits, and returns the arrival times it decided on, from which
    /// the caller derives the same decisions, stopping after the first cost that does not fit. A
    /// key expires a minute after its arrival time has passed: Redis expires on its own clock, so
    /// the margin keeps a replica whose clock lags Redis's (or a test clock) from seeing a key
    /// vanish while it still limits.
    static let source = """
        local now = tonumber(ARGV[1])
        local arrivals = {}
        for i, key in ipairs(KEYS) do
          local cost = tonumber(ARGV[3 * i - 1])
          local interval = tonumber(ARGV[3 * i])
          local burst = tonumber(ARGV[3 * i + 1])
          local arrival = math.max(tonumber(redis.call('GET', key)) or now, now)
          local candidate = arrival + interval * cost
          arrivals[i] = string.format('%.17g', arrival)
          if cost > burst or now + 1e-9 < candidate - interval * burst then
            break
          end
          local ttl = math.ceil((candidate - now) * 1000) + 60000
          redis.call('SET', key, string.format('%.17g', candidate), 'PX', ttl)
        end
        return arrivals
        """

    /// The script's SHA-1, as `EVALSHA` names it.
    static let sha = Hex.encode(Insecure.SHA1.hash(data: Data(source.utf8)))
}
