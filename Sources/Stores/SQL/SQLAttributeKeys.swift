import LogModel

/// The registry of attribute keys per tenant and UTC day, in SQL that PostgreSQL and SQLite share.
/// The caller runs it where admissions cannot overlap (see ``AttributeKeyStore``).
enum SQLAttributeKeys<Dialect: SQLDialect> {
    /// The table: one row per tenant, day and key path (the `day < ?` of retention reads every
    /// tenant's rows, which are few).
    static var schema: [String] {
        [
            """
            CREATE TABLE attribute_keys (
                tenant TEXT NOT NULL,
                day INTEGER NOT NULL,
                key TEXT NOT NULL,
                PRIMARY KEY (tenant, day, key)
            )
            """
        ]
    }

    /// Reads which of the asked keys the day holds and how many it holds, lets ``AttributeKeyBudget``
    /// choose, and registers the keys of the records that fit.
    static func admit(
        tenant: String, day: Int, keysPerRecord: [Set<String>], limit: Int, run: StatementRunner
    ) async throws -> AttributeKeyAdmission {
        let asked = keysPerRecord.reduce(into: Set<String>()) { $0.formUnion($1) }
        var select = SQLBuilder<Dialect>()
        let registeredRows = try await run(
            """
            SELECT key FROM attribute_keys WHERE tenant = \(select.bind(tenant)) \
            AND day = \(select.bind(.integer(Int64(day)))) \
            AND key IN (\(Dialect.textArrayElements(select.bind(jsonArray(asked)))))
            """, select.values)
        let registered = Set(try registeredRows.map { try $0.text(0) })
        var count = SQLBuilder<Dialect>()
        let countRows = try await run(
            "SELECT count(*) FROM attribute_keys WHERE tenant = \(count.bind(tenant)) "
                + "AND day = \(count.bind(.integer(Int64(day))))", count.values)
        let held = Int(try countRows.first?.integer(0) ?? 0)
        let (admitted, added) = AttributeKeyBudget.admit(
            keysPerRecord, registered: registered, count: held, limit: limit)
        if !added.isEmpty {
            var insert = SQLBuilder<Dialect>()
            _ = try await run(
                """
                INSERT INTO attribute_keys (tenant, day, key) \
                SELECT \(insert.bind(tenant)), \(insert.bind(.integer(Int64(day)))), key \
                FROM (\(Dialect.textArrayElements(insert.bind(jsonArray(added))))) AS added WHERE true \
                ON CONFLICT DO NOTHING
                """, insert.values)
        }
        return AttributeKeyAdmission(
            admitted: admitted, registered: registered.union(added), count: held + added.count)
    }

    /// Deletes the keys of days before `day`.
    static func forget(before day: Int, run: StatementRunner) async throws {
        var sql = SQLBuilder<Dialect>()
        _ = try await run("DELETE FROM attribute_keys WHERE day < \(sql.bind(.integer(Int64(day))))", sql.values)
    }

    private static func jsonArray(_ keys: some Sequence<String>) -> SQLValue {
        .text(JSONValue.array(keys.map { .string($0) }).jsonText)
    }
}
