/// The embedded ``ResultCache``: least-recently-used entries in process memory, bounded in bytes.
public actor InProcessResultCache<CacheClock: Clock<Duration>>: ResultCache {
    private final class Entry {
        let key: String
        let value: [UInt8]
        let expires: CacheClock.Instant
        var newer: Entry?
        var older: Entry?

        init(key: String, value: [UInt8], expires: CacheClock.Instant) {
            self.key = key
            self.value = value
            self.expires = expires
        }
    }

    /// `memory`.
    public nonisolated let backend = "memory"
    private let maximumBytes: Int
    private let clock: CacheClock
    private var entries: [String: Entry] = [:]
    private var generations: [String: Int64] = [:]
    private var writingUntil: [String: CacheClock.Instant] = [:]
    private var newest: Entry?
    private var oldest: Entry?
    private var bytes = 0

    /// Creates a cache holding at most `maximumBytes` of values.
    public init(maximumBytes: Int, clock: CacheClock) {
        self.maximumBytes = maximumBytes
        self.clock = clock
    }

    /// The tenant's current generation and write mark.
    public func generation(tenant: String) -> CacheGeneration {
        let isWriting = writingUntil[tenant].map { clock.now < $0 } ?? false
        if !isWriting { writingUntil[tenant] = nil }
        return CacheGeneration(number: generations[tenant, default: 0], isWriting: isWriting)
    }

    /// The value under `key` and `generation`, if present and not expired.
    public func value(tenant: String, generation: Int64, key: String) -> [UInt8]? {
        let full = Self.key(tenant, generation, key)
        guard let entry = entries[full] else { return nil }
        guard clock.now < entry.expires else {
            remove(entry)
            return nil
        }
        unlink(entry)
        pushNewest(entry)
        return entry.value
    }

    /// Stores a value under `key` and `generation` for `ttl`.
    public func store(_ value: [UInt8], tenant: String, generation: Int64, key: String, ttl: Duration) {
        guard value.count <= maximumBytes else { return }
        let full = Self.key(tenant, generation, key)
        if let existing = entries[full] { remove(existing) }
        let entry = Entry(key: full, value: value, expires: clock.now.advanced(by: ttl))
        entries[full] = entry
        bytes += value.count
        pushNewest(entry)
        while bytes > maximumBytes, let oldest { remove(oldest) }
    }

    /// Marks the tenant as being written to for `window` and advances its generation.
    public func invalidate(tenant: String, writingFor window: Duration) {
        writingUntil[tenant] = clock.now.advanced(by: window)
        generations[tenant, default: 0] += 1
    }

    /// Advances the tenant's generation and removes its entries.
    public func clear(tenant: String) {
        generations[tenant, default: 0] += 1
        let prefix = Self.tenantPrefix(tenant)
        for entry in entries.values where entry.key.hasPrefix(prefix) { remove(entry) }
    }

    /// Entries held, and their bytes.
    public func size() -> (entries: Int, bytes: Int?) {
        (entries.count, bytes)
    }

    private func remove(_ entry: Entry) {
        unlink(entry)
        entries[entry.key] = nil
        bytes -= entry.value.count
    }

    private func unlink(_ entry: Entry) {
        if let newer = entry.newer { newer.older = entry.older } else { newest = entry.older }
        if let older = entry.older { older.newer = entry.newer } else { oldest = entry.newer }
        entry.newer = nil
        entry.older = nil
    }

    private func pushNewest(_ entry: Entry) {
        entry.older = newest
        newest?.newer = entry
        newest = entry
        if oldest == nil { oldest = entry }
    }

    private static func tenantPrefix(_ tenant: String) -> String {
        tenant + ":"
    }

    private static func key(_ tenant: String, _ generation: Int64, _ key: String) -> String {
        tenantPrefix(tenant) + "\(generation):\(key)"
    }
}
