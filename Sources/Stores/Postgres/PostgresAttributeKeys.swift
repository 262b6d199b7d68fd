import Logging
import PostgresNIO

extension PostgresLogStore: AttributeKeyStore {
    /// Admits in one transaction that first takes the transaction advisory lock of the tenant's day,
    /// so admissions by replicas at once wait for each other and the day never passes its limit.
    public func admitAttributeKeys(
        tenant: String, day: Int, keysPerRecord: [Set<String>], limit: Int
    ) async throws -> AttributeKeyAdmission {
        try await withStoreErrors("admitting attribute keys failed") {
            try await instrumentation.statement("", operation: "admit_attribute_keys") {
                try await client.transaction(logger: logger) { connection in
                    let lock = Self.advisoryLockKey("attribute-keys/\(tenant)/\(day)")
                    try await connection.statement("SELECT pg_advisory_xact_lock(\(lock))", logger: logger)
                    return try await SQLAttributeKeys<PostgresDialect>.admit(
                        tenant: tenant, day: day, keysPerRecord: keysPerRecord, limit: limit
                    ) { sql, values in
                        try await Self.rows(
                            connection.statement(
                                PostgresQuery(unsafeSQL: sql, binds: Self.bindings(values)), logger: logger))
                    }
                }
            }
        }
    }
}
