/// The statement triggers that keep a rollup table of `logs` exact (``PostgresLogCounts``,
/// ``PostgresEndpointRollups``): each insert or delete on `logs` adds or subtracts its rows' sums in
/// the same transaction. Rows are upserted in key order, so concurrent inserts lock them in the same
/// order and cannot deadlock each other.
struct RollupTriggers {
    /// The rollup table.
    var table: String
    /// The prefix of the two triggers' names (`<prefix>_added`, `<prefix>_removed`).
    var triggerPrefix: String
    /// The key columns, in the order of the primary key.
    var keys: [String]
    /// The columns that are sums.
    var sums: [String]
    /// The select list over a set of log rows: the keys, then the sums, named as the columns.
    var select: String
    /// The condition on the log rows that count (empty for all).
    var condition = ""

    /// The functions, the triggers, and the rollup of the records already stored.
    var statements: [String] {
        let columns = (keys + sums).joined(separator: ", ")
        let positions = (1...keys.count).map(String.init).joined(separator: ", ")
        let grouped = "\(condition.isEmpty ? "" : "WHERE \(condition) ")GROUP BY \(positions) ORDER BY \(positions)"
        return [
            """
            CREATE FUNCTION \(table)_add() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO \(table) AS t (\(columns)) \(select) FROM added \(grouped)
                ON CONFLICT (\(keys.joined(separator: ", "))) DO UPDATE SET \
            \(sums.map { "\($0) = t.\($0) + excluded.\($0)" }.joined(separator: ", "));
                RETURN NULL;
            END $$
            """,
            """
            CREATE FUNCTION \(table)_subtract() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                UPDATE \(table) AS t SET \(sums.map { "\($0) = t.\($0) - r.\($0)" }.joined(separator: ", "))
                FROM (\(select) FROM removed \(grouped)) AS r
                WHERE \(keys.map { "t.\($0) = r.\($0)" }.joined(separator: " AND "));
                RETURN NULL;
            END $$
            """,
            """
            CREATE TRIGGER \(triggerPrefix)_added AFTER INSERT ON logs REFERENCING NEW TABLE AS added
            FOR EACH STATEMENT EXECUTE FUNCTION \(table)_add()
            """,
            """
            CREATE TRIGGER \(triggerPrefix)_removed AFTER DELETE ON logs REFERENCING OLD TABLE AS removed
            FOR EACH STATEMENT EXECUTE FUNCTION \(table)_subtract()
            """,
            "INSERT INTO \(table) (\(columns)) \(select) FROM logs \(grouped)",
        ]
    }
}
