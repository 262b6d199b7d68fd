/// The cluster-wide ``ResultCache`` in Redis: values under `<prefix><tenant>:<generation>:<key>`
/// with a TTL, generations under `<prefix>gen:<tenant>` and write marks under
/// `<prefix>writing:<tenant>`, shared by every replica. Superseded generations are never read
/// again and expire with their TTL.
public struct RedisResultCache: ResultCache {
    /// `redis`.
    public let backend = "redis"
    private let client: RedisClient
    private let prefix: String

    /// Creates a cache over `client`, with keys under `prefix`.
    public init(client: RedisClient, prefix: String = "logsmith:cache:") {
        self.client = client
        self.prefix = prefix
    }

    /// The tenant's current generation and write mark, in one round trip.
    public func generation(tenant: String) async throws -> CacheGeneration {
        let reply = try await client.command(["MGET", generationKey(tenant), writingKey(tenant)])
        guard case .array(let values) = reply, values.count == 2 else {
            throw StoreError(.unavailable, "unexpected MGET answer from Redis")
        }
        return CacheGeneration(number: values[0].string.flatMap { Int64($0) } ?? 0, isWriting: values[1].string != nil)
    }

    /// The value under `key` and `generation`, if present and not expired.
    public func value(tenant: String, generation: Int64, key: String) async throws -> [UInt8]? {
        try await client.command(["GET", entryKey(tenant, generation, key)]).string.map { Array($0.utf8) }
    }

    /// Stores a value under `key` and `generation` for `ttl`.
    public func store(_ value: [UInt8], tenant: String, generation: Int64, key: String, ttl: Duration) async throws {
        let milliseconds = max(1, Int(ttl / .milliseconds(1)))
        _ = try await client.command([
            "SET", entryKey(tenant, generation, key), String(decoding: value, as: UTF8.self), "PX", "\(milliseconds)",
        ])
    }

    /// Sets the write mark, then advances the generation, in one pipeline: Redis runs a
    /// connection's commands in order, so whoever reads the new generation finds the mark too.
    public func invalidate(tenant: String, writingFor window: Duration) async throws {
        let milliseconds = max(1, Int(window / .milliseconds(1)))
        _ = try await client.pipeline([
            ["SET", writingKey(tenant), "1", "PX", "\(milliseconds)"], ["INCR", generationKey(tenant)],
        ])
    }

    /// Advances the generation, then deletes the tenant's entries, a SCAN page at a time.
    public func clear(tenant: String) async throws {
        _ = try await client.command(["INCR", generationKey(tenant)])
        try await scan(matching: tenantPattern(tenant), pageSize: 500) { keys in
            if !keys.isEmpty { _ = try await client.command(["UNLINK"] + keys) }
        }
    }

    /// Entries under the prefix, counted with SCAN; Redis does not report their bytes cheaply.
    public func size() async throws -> (entries: Int, bytes: Int?) {
        var count = 0
        try await scan(matching: prefix + "t:*", pageSize: 1000) { count += $0.count }
        return (count, nil)
    }

    /// Hands every page of keys matching `pattern` to `page`, until SCAN has gone round.
    private func scan(matching pattern: String, pageSize: Int, _ page: ([String]) async throws -> Void) async throws {
        var cursor = "0"
        repeat {
            let reply = try await client.command(["SCAN", cursor, "MATCH", pattern, "COUNT", "\(pageSize)"])
            guard case .array(let parts) = reply, parts.count == 2, let next = parts[0].string,
                case .array(let keys) = parts[1]
            else { throw StoreError(.unavailable, "unexpected SCAN answer from Redis") }
            try await page(keys.compactMap(\.string))
            cursor = next
        } while cursor != "0"
    }

    /// Tenant names are slugs (letters, digits, `-`, `_`), so they hold no glob or separator characters.
    private func tenantPattern(_ tenant: String) -> String {
        prefix + "t:" + tenant + ":*"
    }

    private func generationKey(_ tenant: String) -> String {
        prefix + "gen:" + tenant
    }

    private func writingKey(_ tenant: String) -> String {
        prefix + "writing:" + tenant
    }

    private func entryKey(_ tenant: String, _ generation: Int64, _ key: String) -> String {
        prefix + "t:" + tenant + ":\(generation):" + key
    }
}
