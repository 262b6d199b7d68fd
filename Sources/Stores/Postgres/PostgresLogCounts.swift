/// Counts of records per tenant, minute, service and level in `log_counts`, so that counting a day
/// of records by level reads about 1,440 rows per service and level instead of every record.
///
/// Statement triggers keep the table exact: each insert or delete on `logs` adds or subtracts its
/// rows' counts in the same transaction. Rows are upserted in key order, so concurrent inserts lock
/// them in the same order and cannot deadlock each other.
enum PostgresLogCounts {
    private static let groupedCounts = """
        SELECT tenant, floor(extract(epoch FROM ts) / 60)::bigint AS minute, coalesce(service, '') AS service, level,
               count(*) AS count
        """
    private static let groupAndOrder = "GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4"

    /// Migration 4: the table, its triggers, and the counts of the records already stored.
    static let schema = [
        """
        CREATE TABLE log_counts (
            tenant text NOT NULL,
            minute bigint NOT NULL,
            service text NOT NULL,
            level text NOT NULL,
            count bigint NOT NULL,
            PRIMARY KEY (tenant, minute, service, level)
        )
        """,
        """
        CREATE FUNCTION log_counts_add() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO log_counts AS c (tenant, minute, service, level, count)
            \(groupedCounts) FROM added \(groupAndOrder)
            ON CONFLICT (tenant, minute, service, level) DO UPDATE SET count = c.count + excluded.count;
            RETURN NULL;
        END $$
        """,
        """
        CREATE FUNCTION log_counts_subtract() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE log_counts AS c SET count = c.count - removed_counts.count
            FROM (\(groupedCounts) FROM removed \(groupAndOrder)) AS removed_counts
            WHERE c.tenant = removed_counts.tenant AND c.minute = removed_counts.minute
              AND c.service = removed_counts.service AND c.level = removed_counts.level;
            RETURN NULL;
        END $$
        """,
        """
        CREATE TRIGGER logs_counts_added AFTER INSERT ON logs REFERENCING NEW TABLE AS added
        FOR EACH STATEMENT EXECUTE FUNCTION log_counts_add()
        """,
        """
        CREATE TRIGGER logs_counts_removed AFTER DELETE ON logs REFERENCING OLD TABLE AS removed
        FOR EACH STATEMENT EXECUTE FUNCTION log_counts_subtract()
        """,
        "INSERT INTO log_counts (tenant, minute, service, level, count) \(groupedCounts) FROM logs \(groupAndOrder)",
    ]

    /// A minute in microseconds, the unit of `log_counts`.
    static let minuteMicroseconds: Int64 = 60_000_000
}
