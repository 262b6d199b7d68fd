import Access
import LogModel
import Logging
import ServiceLifecycle
import Stores
import Synchronization

/// A credential store that keeps the keys and users it found in memory, so that a request with a
/// known credential costs no database lookup.
///
/// What it keeps is dropped, all of it, the moment any process on the database revokes a key or
/// disables a user (``CredentialStore/watchChanges(_:)``: PostgreSQL's `LISTEN`), and at once for
/// this process's own changes. While it cannot hear changes (before its watch listens, or after the
/// watch lost its connection) it keeps nothing and every lookup reads the database. A lookup that
/// started before a change is not kept. Entries also expire after ``lifetime``.
final class CachedCredentials<Base: CredentialStore>: CredentialStore, Service {
    /// How long a found key or user is kept at most.
    static var lifetime: Duration { .seconds(60) }
    /// How many keys (and how many users) are kept at most; past it, all are dropped.
    static var maxEntries: Int { 10_000 }

    private let base: Base
    private let logger: Logger
    private let state = Mutex(CredentialCacheState())

    /// Wraps `base`; entries are kept only while ``run()`` runs.
    init(_ base: Base, logger: Logger) {
        self.base = base
        self.logger = logger
    }

    /// Whether changes are heard now, so that found credentials are kept.
    var hearsChanges: Bool { state.withLock { $0.listening } }

    /// Watches the base store's changes until graceful shutdown, starting again a second after the
    /// watch fails.
    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await self.base.watchChanges { _ in self.dropAll(listening: true) }
                } catch {
                    if !Task.isCancelled {
                        self.logger.warning(
                            "credential changes not heard; looking every credential up", metadata: .describing(error))
                    }
                }
                self.dropAll(listening: false)
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    func key(hash: String) async throws -> APIKey? {
        try await cached(\.keys, hash) { try await base.key(hash: hash) }
    }

    func user(tenant: String, username: String) async throws -> User? {
        try await cached(\.users, "\(tenant)\u{0}\(username.lowercased())") {
            try await base.user(tenant: tenant, username: username)
        }
    }

    func revokeKey(tenant: String, id: String, at time: Timestamp) async throws -> Bool {
        let revoked = try await base.revokeKey(tenant: tenant, id: id, at: time)
        if revoked { dropAll() }
        return revoked
    }

    func disableUser(tenant: String, username: String, at time: Timestamp) async throws -> Bool {
        let disabled = try await base.disableUser(tenant: tenant, username: username, at: time)
        if disabled { dropAll() }
        return disabled
    }

    /// The kept value of `key`, else what `load` finds, kept when nothing changed meanwhile.
    private func cached<Value: Sendable>(
        _ entries: WritableKeyPath<CredentialCacheState, [String: CachedEntry<Value>]>, _ key: String,
        load: () async throws -> Value?
    ) async throws -> Value? {
        let now = ContinuousClock.now
        let (kept, generation) = state.withLock { state -> (Value?, Int?) in
            guard state.listening else { return (nil, nil) }
            guard let entry = state[keyPath: entries][key], entry.expires > now else { return (nil, state.generation) }
            return (entry.value, state.generation)
        }
        if let kept { return kept }
        let loaded = try await load()
        if let loaded, let generation {
            state.withLock { state in
                guard state.generation == generation else { return }
                if state[keyPath: entries].count >= Self.maxEntries { state[keyPath: entries].removeAll() }
                state[keyPath: entries][key] = CachedEntry(value: loaded, expires: now + Self.lifetime)
            }
        }
        return loaded
    }

    /// Drops every kept entry; `listening` says whether changes are heard from now on (nil: as before).
    private func dropAll(listening: Bool? = nil) {
        state.withLock { state in
            state = CredentialCacheState(generation: state.generation + 1, listening: listening ?? state.listening)
        }
    }

    func watchChanges(_ event: @escaping @Sendable (ChangeWatchEvent) -> Void) async throws {
        try await base.watchChanges(event)
    }

    func createTenant(_ tenant: Tenant) async throws -> Bool { try await base.createTenant(tenant) }

    func tenants() async throws -> [Tenant] { try await base.tenants() }

    func tenantExists(_ name: String) async throws -> Bool { try await base.tenantExists(name) }

    func setRetention(tenant: String, days: Int?) async throws -> Bool {
        try await base.setRetention(tenant: tenant, days: days)
    }

    func insertKey(_ key: APIKey) async throws { try await base.insertKey(key) }

    func insertInitialKey(_ key: APIKey) async throws -> Bool { try await base.insertInitialKey(key) }

    func keys(tenant: String) async throws -> [APIKey] { try await base.keys(tenant: tenant) }

    func touchKey(id: String, at time: Timestamp) async throws { try await base.touchKey(id: id, at: time) }

    func insertUser(_ user: User) async throws { try await base.insertUser(user) }

    func users(tenant: String) async throws -> [User] { try await base.users(tenant: tenant) }
}

// Outside the generic class, so that the key paths `cached` is given are not generic: a key path
// into a generic type is instantiated at run time on every use (3% of the server's CPU at one
// record per request).

/// A found credential and when it stops being kept.
private struct CachedEntry<Value: Sendable>: Sendable {
    var value: Value
    var expires: ContinuousClock.Instant
}

/// What ``CachedCredentials`` keeps.
private struct CredentialCacheState: Sendable {
    var keys: [String: CachedEntry<APIKey>] = [:]
    var users: [String: CachedEntry<User>] = [:]
    /// Changes on every drop, so that a lookup that began before it is not kept.
    var generation = 0
    /// Whether changes are heard; nothing is kept while they are not.
    var listening = false
}
