/// Counts of records per tenant, minute, service and level in `log_counts`, so that counting a day
/// of records by level reads about 1,440 rows per service and level instead of every record; and per
/// hour in `log_counts_hourly`, so that it reads 24.
///
/// Statement triggers keep both tables exact (``RollupTriggers``): the minutes from the log rows, the
/// hours from the minutes' changes.
enum PostgresLogCounts {
    /// Migration 4: the table, its triggers, and the counts of the records already stored.
    static let schema =
        [
            """
            CREATE TABLE log_counts (
                tenant text NOT NULL,
                minute bigint NOT NULL,
                service text NOT NULL,
                level text NOT NULL,
                count bigint NOT NULL,
                PRIMARY KEY (tenant, minute, service, level)
            )
            """
        ] + triggers(coarser: nil).statements

    /// Migration 16: the hourly table, the triggers' functions that keep it too, and the hours of the
    /// minutes already counted. The log table is locked first, so that no insert runs the former
    /// functions after the hours were counted.
    static let hourlySchema =
        [
            "LOCK TABLE logs IN SHARE ROW EXCLUSIVE MODE",
            """
            CREATE TABLE log_counts_hourly (
                tenant text NOT NULL,
                hour bigint NOT NULL,
                service text NOT NULL,
                level text NOT NULL,
                count bigint NOT NULL,
                PRIMARY KEY (tenant, hour, service, level)
            )
            """,
        ] + triggers(coarser: hours).functions + [
            """
            INSERT INTO log_counts_hourly (tenant, hour, service, level, count)
            SELECT tenant, \(hours.expression), service, level, sum(count)::bigint FROM log_counts GROUP BY 1, 2, 3, 4
            """
        ]

    private static let hours = RollupTriggers.Coarser(
        table: "log_counts_hourly", finerKey: "minute", key: "hour", expression: "floor(minute / 60.0)::bigint")

    private static func triggers(coarser: RollupTriggers.Coarser?) -> RollupTriggers {
        RollupTriggers(
            table: "log_counts", triggerPrefix: "logs_counts", keys: ["tenant", "minute", "service", "level"],
            sums: ["count"],
            select: """
                SELECT tenant, floor(extract(epoch FROM ts) / 60)::bigint AS minute, coalesce(service, '') AS service,
                       level, count(*) AS count
                """, coarser: coarser)
    }

    /// The record fields `log_counts` and `log_counts_hourly` are keyed by, whose query filters they
    /// apply themselves.
    static let keys: Set<RollupPlan.Key> = [.service, .level]

    /// A table of counts, its column of time and that column's unit.
    struct Tier {
        /// The table.
        var table: String
        /// Its column of time.
        var column: String
        /// The column's unit in microseconds.
        var unitMicroseconds: Int64
    }

    /// The tables of counts, coarsest first.
    static let tiers = [
        Tier(table: "log_counts_hourly", column: "hour", unitMicroseconds: hourMicroseconds),
        Tier(table: "log_counts", column: "minute", unitMicroseconds: minuteMicroseconds),
    ]

    /// A minute in microseconds, the unit of `log_counts`.
    static let minuteMicroseconds: Int64 = 60_000_000
    /// An hour in microseconds, the unit of `log_counts_hourly`.
    static let hourMicroseconds: Int64 = 3_600_000_000
}
