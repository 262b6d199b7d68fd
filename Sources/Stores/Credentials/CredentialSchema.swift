/// The tables of tenants, API keys and users, the same in both databases but for column types.
/// Times are epoch microseconds.
enum CredentialSchema {
    /// Marks the first admin key, of which a unique partial index allows only one, so that replicas
    /// starting together on an empty database cannot both create one.
    static func initialKeyStatements(boolean: String) -> [String] {
        [
            "ALTER TABLE api_keys ADD COLUMN initial \(boolean) NOT NULL DEFAULT FALSE",
            "CREATE UNIQUE INDEX api_keys_one_initial ON api_keys (initial) WHERE initial",
        ]
    }

    /// Usernames unique within a tenant in any case, instead of across tenants as given: PostgreSQL
    /// drops the column's constraint, SQLite (which cannot) copies the table without it.
    static func tenantUsernameStatements(postgres: Bool) -> [String] {
        let unique = "CREATE UNIQUE INDEX users_tenant_username ON users (tenant, lower(username))"
        guard !postgres else { return ["ALTER TABLE users DROP CONSTRAINT users_username_key", unique] }
        return [
            usersTable(named: "users_copy", bigint: "INTEGER"),
            "INSERT INTO users_copy SELECT \(CredentialRows.userColumns) FROM users",
            "DROP TABLE users",
            "ALTER TABLE users_copy RENAME TO users",
            "CREATE INDEX users_tenant ON users (tenant, created_at)",
            unique,
        ]
    }

    private static func usersTable(named name: String, bigint: String, unique: String = "") -> String {
        """
        CREATE TABLE \(name) (
            id TEXT PRIMARY KEY,
            tenant TEXT NOT NULL,
            username TEXT NOT NULL\(unique),
            password_hash TEXT NOT NULL,
            role TEXT NOT NULL,
            created_at \(bigint) NOT NULL,
            disabled_at \(bigint)
        )
        """
    }

    /// Each tenant's retention in days; NULL keeps the service's default.
    static let retentionStatements = ["ALTER TABLE tenants ADD COLUMN retention_days INTEGER"]

    static func statements(bigint: String) -> [String] {
        [
            "CREATE TABLE tenants (name TEXT PRIMARY KEY, created_at \(bigint) NOT NULL)",
            """
            CREATE TABLE api_keys (
                id TEXT PRIMARY KEY,
                tenant TEXT NOT NULL,
                name TEXT NOT NULL,
                prefix TEXT NOT NULL,
                hash TEXT NOT NULL UNIQUE,
                scopes TEXT NOT NULL,
                created_at \(bigint) NOT NULL,
                last_used_at \(bigint),
                revoked_at \(bigint)
            )
            """,
            "CREATE INDEX api_keys_tenant ON api_keys (tenant, created_at)",
            usersTable(named: "users", bigint: bigint, unique: " UNIQUE"),
            "CREATE INDEX users_tenant ON users (tenant, created_at)",
        ]
    }
}
