/// The statement triggers that keep a rollup table of `logs` exact (``PostgresLogCounts``,
/// ``PostgresEndpointRollups``): each insert or delete on `logs` adds or subtracts its rows' sums in
/// the same transaction, and those of a ``Coarser`` table from the finer rows' changes. Rows are
/// upserted in key order, so concurrent inserts lock them in the same order and cannot deadlock each
/// other.
struct RollupTriggers {
    /// A second rollup table with the same keys but a coarser unit of time, kept from the changes of
    /// the first rather than from the log rows again.
    struct Coarser {
        /// The table.
        var table: String
        /// The finer table's key column of time it replaces.
        var finerKey: String
        /// Its own key column of time.
        var key: String
        /// The coarser unit as an expression over `finerKey`.
        var expression: String
    }

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
    /// The coarser table the triggers also keep, if any.
    var coarser: Coarser? = nil

    private var columns: String { (keys + sums).joined(separator: ", ") }
    private var positions: String { (1...keys.count).map(String.init).joined(separator: ", ") }
    private var grouped: String {
        "\(condition.isEmpty ? "" : "WHERE \(condition) ")GROUP BY \(positions) ORDER BY \(positions)"
    }

    /// The functions the triggers call, replacing those of the same names.
    var functions: [String] {
        let changes: [(name: String, transition: String, apply: (String, [String], String) -> String)] = [
            ("add", "added", { Self.upsert(into: $0, keys: $1, sums: sums, rows: $2) }),
            ("subtract", "removed", { Self.subtract(from: $0, keys: $1, sums: sums, rows: $2) }),
        ]
        return changes.map { change in
            let rows = "\(select) FROM \(change.transition) \(grouped)"
            let body: String
            if let coarser {
                let coarserRows = """
                    SELECT \(keys.map { $0 == coarser.finerKey ? "\(coarser.expression) AS \(coarser.key)" : $0 }
                        .joined(separator: ", ")), \(sums.map { "sum(\($0))::bigint AS \($0)" }.joined(separator: ", ")) \
                    FROM changes GROUP BY \(positions) ORDER BY \(positions)
                    """
                body = """
                    WITH changes AS MATERIALIZED (\(rows)),
                        finer AS (\(change.apply(table, keys, "SELECT * FROM changes")))
                        \(change.apply(coarser.table, keys.map { $0 == coarser.finerKey ? coarser.key : $0 }, coarserRows))
                    """
            } else {
                body = change.apply(table, keys, rows)
            }
            return """
                CREATE OR REPLACE FUNCTION \(table)_\(change.name)() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    \(body);
                    RETURN NULL;
                END $$
                """
        }
    }

    private static func upsert(into table: String, keys: [String], sums: [String], rows: String) -> String {
        """
        INSERT INTO \(table) AS t (\((keys + sums).joined(separator: ", "))) \(rows)
                ON CONFLICT (\(keys.joined(separator: ", "))) DO UPDATE SET \
        \(sums.map { "\($0) = t.\($0) + excluded.\($0)" }.joined(separator: ", "))
        """
    }

    private static func subtract(from table: String, keys: [String], sums: [String], rows: String) -> String {
        """
        UPDATE \(table) AS t SET \(sums.map { "\($0) = t.\($0) - r.\($0)" }.joined(separator: ", "))
                FROM (\(rows)) AS r
                WHERE \(keys.map { "t.\($0) = r.\($0)" }.joined(separator: " AND "))
        """
    }

    /// The functions, the triggers, and the rollup of the records already stored.
    var statements: [String] {
        functions + [
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
