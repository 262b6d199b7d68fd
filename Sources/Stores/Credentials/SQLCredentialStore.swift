import Access
import LogModel

/// The ``CredentialStore`` in SQL that PostgreSQL and SQLite share.
struct SQLCredentialStore<Database: SQLDatabase>: CredentialStore {
    let database: Database

    /// The notification channel of revocations and disablements.
    static var changesChannel: String { "logsmith_credentials" }

    private typealias Builder = SQLBuilder<Database.Dialect>

    func createTenant(_ tenant: Tenant) async throws -> Bool {
        var sql = Builder()
        let statement = """
            INSERT INTO tenants (name, created_at, retention_days)
            VALUES (\(sql.bind(tenant.name)), \(sql.bind(.integer(tenant.createdAt.microseconds))), \(sql.bind(retention(tenant.retentionDays))))
            ON CONFLICT (name) DO NOTHING RETURNING name
            """
        return try await !database.execute(statement, sql.values).isEmpty
    }

    func tenants() async throws -> [Tenant] {
        try await database.read("SELECT name, created_at, retention_days FROM tenants ORDER BY name", []).map { row in
            Tenant(
                name: try row.text(0), createdAt: Timestamp(microseconds: try row.integer(1)),
                retentionDays: row.optionalInteger(2).map(Int.init))
        }
    }

    func setRetention(tenant: String, days: Int?) async throws -> Bool {
        var sql = Builder()
        let statement = """
            UPDATE tenants SET retention_days = \(sql.bind(retention(days))) WHERE name = \(sql.bind(tenant)) RETURNING name
            """
        return try await !database.execute(statement, sql.values).isEmpty
    }

    private func retention(_ days: Int?) -> SQLValue { days.map { .integer(Int64($0)) } ?? .null }

    func tenantExists(_ name: String) async throws -> Bool {
        var sql = Builder()
        return try await !database.read("SELECT 1 FROM tenants WHERE name = \(sql.bind(name))", sql.values).isEmpty
    }

    func insertKey(_ key: APIKey) async throws {
        var sql = Builder()
        _ = try await database.execute(
            "INSERT INTO api_keys (\(CredentialRows.keyColumns)) VALUES (\(keyValues(key, &sql)))", sql.values)
    }

    func insertInitialKey(_ key: APIKey) async throws -> Bool {
        var sql = Builder()
        let statement = """
            INSERT INTO api_keys (\(CredentialRows.keyColumns), initial) SELECT \(keyValues(key, &sql)), TRUE
            WHERE NOT EXISTS (SELECT 1 FROM api_keys) AND NOT EXISTS (SELECT 1 FROM users)
            ON CONFLICT DO NOTHING RETURNING id
            """
        return try await !database.execute(statement, sql.values).isEmpty
    }

    func key(hash: String) async throws -> APIKey? {
        var sql = Builder()
        return try await database.read(
            "SELECT \(CredentialRows.keyColumns) FROM api_keys WHERE hash = \(sql.bind(hash))", sql.values
        ).map(Self.key(from:)).first
    }

    func keys(tenant: String) async throws -> [APIKey] {
        var sql = Builder()
        return try await database.read(
            "SELECT \(CredentialRows.keyColumns) FROM api_keys WHERE tenant = \(sql.bind(tenant)) ORDER BY created_at, id",
            sql.values
        ).map(Self.key(from:))
    }

    func revokeKey(tenant: String, id: String, at time: Timestamp) async throws -> Bool {
        var sql = Builder()
        let statement = """
            UPDATE api_keys SET revoked_at = \(sql.bind(.integer(time.microseconds)))
            WHERE tenant = \(sql.bind(tenant)) AND id = \(sql.bind(id)) AND revoked_at IS NULL RETURNING id
            """
        return try await changed(!database.execute(statement, sql.values).isEmpty)
    }

    /// Notifies the watchers when `happened`, which it returns.
    private func changed(_ happened: Bool) async throws -> Bool {
        if happened { try await database.notify(Self.changesChannel) }
        return happened
    }

    func watchChanges(_ event: @escaping @Sendable (ChangeWatchEvent) -> Void) async throws {
        try await database.listen(Self.changesChannel) { notification in
            switch notification {
            case .listening: event(.listening)
            case .received: event(.changed)
            }
        }
    }

    func touchKey(id: String, at time: Timestamp) async throws {
        var sql = Builder()
        _ = try await database.execute(
            "UPDATE api_keys SET last_used_at = \(sql.bind(.integer(time.microseconds))) WHERE id = \(sql.bind(id))",
            sql.values)
    }

    func insertUser(_ user: User) async throws {
        var sql = Builder()
        let statement = """
            INSERT INTO users (\(CredentialRows.userColumns))
            VALUES (\(sql.bind(user.id)), \(sql.bind(user.tenant)), \(sql.bind(user.username)),
                    \(sql.bind(user.passwordHash)), \(sql.bind(user.role.rawValue)),
                    \(sql.bind(.integer(user.createdAt.microseconds))), \(sql.bind(user.disabledAt.map { .integer($0.microseconds) } ?? .null)))
            ON CONFLICT DO NOTHING RETURNING id
            """
        guard try await !database.execute(statement, sql.values).isEmpty else {
            throw StoreError(.conflict, "the username is taken")
        }
    }

    func user(tenant: String, username: String) async throws -> User? {
        var sql = Builder()
        return try await database.read(
            "SELECT \(CredentialRows.userColumns) FROM users WHERE tenant = \(sql.bind(tenant)) "
                + "AND lower(username) = lower(\(sql.bind(username)))", sql.values
        ).map(Self.user(from:)).first
    }

    func users(tenant: String) async throws -> [User] {
        var sql = Builder()
        return try await database.read(
            "SELECT \(CredentialRows.userColumns) FROM users WHERE tenant = \(sql.bind(tenant)) ORDER BY created_at, id",
            sql.values
        ).map(Self.user(from:))
    }

    func disableUser(tenant: String, username: String, at time: Timestamp) async throws -> Bool {
        var sql = Builder()
        let statement = """
            UPDATE users SET disabled_at = \(sql.bind(.integer(time.microseconds)))
            WHERE tenant = \(sql.bind(tenant)) AND lower(username) = lower(\(sql.bind(username))) AND disabled_at IS NULL
            RETURNING id
            """
        return try await changed(!database.execute(statement, sql.values).isEmpty)
    }

    private func keyValues(_ key: APIKey, _ sql: inout Builder) -> String {
        [
            sql.bind(key.id), sql.bind(key.tenant), sql.bind(key.name), sql.bind(key.prefix), sql.bind(key.hash),
            sql.bind(Scope.listText(key.scopes)), sql.bind(.integer(key.createdAt.microseconds)),
            sql.bind(key.lastUsedAt.map { .integer($0.microseconds) } ?? .null),
            sql.bind(key.revokedAt.map { .integer($0.microseconds) } ?? .null),
        ].joined(separator: ", ")
    }

    private static func key(from row: [SQLValue?]) throws -> APIKey {
        try CredentialRows.key(
            id: row.text(0), tenant: row.text(1), name: row.text(2), prefix: row.text(3), hash: row.text(4),
            scopes: row.text(5), createdAt: row.integer(6), lastUsedAt: row.optionalInteger(7),
            revokedAt: row.optionalInteger(8))
    }

    private static func user(from row: [SQLValue?]) throws -> User {
        try CredentialRows.user(
            id: row.text(0), tenant: row.text(1), username: row.text(2), passwordHash: row.text(3), role: row.text(4),
            createdAt: row.integer(5), disabledAt: row.optionalInteger(6))
    }
}
