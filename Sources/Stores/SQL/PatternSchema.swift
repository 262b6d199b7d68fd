/// The migration that adds log patterns: each record's `pattern_id` (the 64-bit template hash as a
/// signed integer, NULL for records stored before), indexed per tenant with time so a pattern's count
/// over any range reads the index; `patterns`, each tenant's templates with first and last seen
/// (epoch microseconds), a running count and up to three example messages (a JSON array); and
/// `pattern_merges`, which pattern each template that generalised or was reconciled away now
/// belongs to, kept flat (each `to_id` is a pattern not merged itself).
enum PatternSchema {
    /// The statements for PostgreSQL.
    static let postgres: [String] =
        [
            "ALTER TABLE logs ADD COLUMN pattern_id bigint",
            "CREATE INDEX logs_tenant_pattern ON logs (tenant, pattern_id, ts DESC) WHERE pattern_id IS NOT NULL",
        ] + tables(integer: "bigint")

    /// The statements for SQLite.
    static let sqlite: [String] =
        [
            "ALTER TABLE logs ADD COLUMN pattern_id INTEGER",
            "CREATE INDEX logs_tenant_pattern ON logs (tenant, pattern_id, ts DESC) WHERE pattern_id IS NOT NULL",
        ] + tables(integer: "INTEGER")

    private static func tables(integer: String) -> [String] {
        [
            """
            CREATE TABLE patterns (
                tenant text NOT NULL,
                id \(integer) NOT NULL,
                template text NOT NULL,
                first_seen \(integer) NOT NULL,
                last_seen \(integer) NOT NULL,
                count \(integer) NOT NULL,
                examples text NOT NULL,
                PRIMARY KEY (tenant, id)
            )
            """,
            """
            CREATE TABLE pattern_merges (
                tenant text NOT NULL,
                from_id \(integer) NOT NULL,
                to_id \(integer) NOT NULL,
                PRIMARY KEY (tenant, from_id)
            )
            """,
            "CREATE INDEX pattern_merges_to ON pattern_merges (tenant, to_id)",
        ]
    }
}
