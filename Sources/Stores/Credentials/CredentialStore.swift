public import Access
public import LogModel

/// Storage of tenants, API keys (as hashes) and users (with bcrypt hashes).
///
/// Implemented by ``PostgresLogStore`` and ``SQLiteLogStore`` on the same database as the logs, and
/// migrated with them. Listing and changing keys and users is always scoped to one tenant; only
/// lookups by key hash and by username (which is unique) are global, because they are how the
/// tenant is found.
public protocol CredentialStore: Sendable {
    /// Creates a tenant; false when it exists already.
    func createTenant(_ tenant: Tenant) async throws -> Bool
    /// Every tenant, by name.
    func tenants() async throws -> [Tenant]
    /// Whether a tenant exists.
    func tenantExists(_ name: String) async throws -> Bool
    /// Sets how many days a tenant's records are kept (nil: the service's default); false when there
    /// is no such tenant.
    func setRetention(tenant: String, days: Int?) async throws -> Bool

    /// Stores a new key.
    func insertKey(_ key: APIKey) async throws
    /// Stores the first admin key, only if no key and no user exists yet; false when one does. Of
    /// concurrent callers on an empty database, exactly one succeeds.
    func insertInitialKey(_ key: APIKey) async throws -> Bool
    /// The key with the given hash, revoked or not, or nil.
    func key(hash: String) async throws -> APIKey?
    /// The tenant's keys, oldest first.
    func keys(tenant: String) async throws -> [APIKey]
    /// Revokes a key of the tenant; false when the tenant has no such unrevoked key.
    func revokeKey(tenant: String, id: String, at time: Timestamp) async throws -> Bool
    /// Records that a key was used.
    func touchKey(id: String, at time: Timestamp) async throws

    /// Stores a new user; throws a ``StoreError`` with code `conflict` when the tenant has a user of
    /// that name in any case.
    func insertUser(_ user: User) async throws
    /// The tenant's user with the given username in any case, disabled or not, or nil.
    func user(tenant: String, username: String) async throws -> User?
    /// The tenant's users, oldest first.
    func users(tenant: String) async throws -> [User]
    /// Disables a user of the tenant (the username in any case); false when the tenant has no such
    /// enabled user.
    func disableUser(tenant: String, username: String, at time: Timestamp) async throws -> Bool

    /// Reports `.listening` once revocations and disablements are heard, then `.changed` after each
    /// one committed by any process on the database (on SQLite, which one process serves, by this
    /// process), until the task is cancelled; throws when they can no longer be heard. Lets a
    /// process keep credentials in memory and drop them the moment one is revoked anywhere.
    func watchChanges(_ event: @escaping @Sendable (ChangeWatchEvent) -> Void) async throws
}

/// Row mapping shared by the SQL implementations: both keep times as epoch microseconds and scopes
/// as comma-separated text.
enum CredentialRows {
    static let keyColumns = "id, tenant, name, prefix, hash, scopes, created_at, last_used_at, revoked_at"
    static let userColumns = "id, tenant, username, password_hash, role, created_at, disabled_at"

    static func key(
        id: String, tenant: String, name: String, prefix: String, hash: String, scopes: String, createdAt: Int64,
        lastUsedAt: Int64?, revokedAt: Int64?
    ) throws -> APIKey {
        guard let scopeSet = Scope.parseList(scopes) else {
            throw StoreError(.corruptRow, "stored key has unknown scopes")
        }
        return APIKey(
            id: id, tenant: tenant, name: name, prefix: prefix, hash: hash, scopes: scopeSet,
            createdAt: Timestamp(microseconds: createdAt), lastUsedAt: lastUsedAt.map(Timestamp.init(microseconds:)),
            revokedAt: revokedAt.map(Timestamp.init(microseconds:)))
    }

    static func user(
        id: String, tenant: String, username: String, passwordHash: String, role: String, createdAt: Int64,
        disabledAt: Int64?
    ) throws -> User {
        guard let role = Role(rawValue: role) else { throw StoreError(.corruptRow, "stored user has unknown role") }
        return User(
            id: id, tenant: tenant, username: username, passwordHash: passwordHash, role: role,
            createdAt: Timestamp(microseconds: createdAt), disabledAt: disabledAt.map(Timestamp.init(microseconds:)))
    }
}
