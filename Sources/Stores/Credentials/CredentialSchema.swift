/// The tables of tenants, API keys and users, the same in both databases but for the integer type.
/// Times are epoch microseconds.
enum CredentialSchema {
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
            """
            CREATE TABLE users (
                id TEXT PRIMARY KEY,
                tenant TEXT NOT NULL,
                username TEXT NOT NULL UNIQUE,
                password_hash TEXT NOT NULL,
                role TEXT NOT NULL,
                created_at \(bigint) NOT NULL,
                disabled_at \(bigint)
            )
            """,
            "CREATE INDEX users_tenant ON users (tenant, created_at)",
        ]
    }
}
