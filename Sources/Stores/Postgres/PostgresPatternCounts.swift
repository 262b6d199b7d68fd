import LogModel

/// Counts of records per tenant, ten-minute slot, pattern, service and level in `pattern_counts`, so
/// that a pattern listing over a day reads 144 slots per pattern, service and level instead of every
/// record (``RollupPlan``: whole slots from the table, the partial slots at the range's ends from the
/// records). Statement triggers keep the table exact (``RollupTriggers``).
///
/// A slot counts in the sparkline bucket its start falls in, so the sparkline of a listing is drawn
/// at ten-minute resolution; counts, levels and services are exact, and each pattern's first and
/// last time in the range are read from the records through the `(tenant, pattern_id, ts)` index.
enum PostgresPatternCounts {
    /// Migration 14: the table, its triggers, and the counts of the records already stored.
    static let schema =
        [
            """
            CREATE TABLE pattern_counts (
                tenant text NOT NULL,
                slot bigint NOT NULL,
                pattern_id bigint NOT NULL,
                service text NOT NULL,
                level text NOT NULL,
                count bigint NOT NULL,
                PRIMARY KEY (tenant, slot, pattern_id, service, level)
            )
            """
        ]
        + RollupTriggers(
            table: "pattern_counts", triggerPrefix: "logs_pattern_counts",
            keys: ["tenant", "slot", "pattern_id", "service", "level"], sums: ["count"],
            select: """
                SELECT tenant, floor(extract(epoch FROM ts) / 600)::bigint AS slot, pattern_id,
                       coalesce(service, '') AS service, level, count(*) AS count
                """,
            condition: "pattern_id IS NOT NULL"
        ).statements

    /// The record fields `pattern_counts` is keyed by, whose query filters it applies itself.
    static let keys: Set<RollupPlan.Key> = [.service, .level]

    /// Ten minutes in microseconds, the unit of `pattern_counts`.
    static let slotMicroseconds: Int64 = 600_000_000

    /// The listing's counts (with `only`, of those mined IDs): whole slots from `pattern_counts` when
    /// the query filters on nothing but exact services and level comparisons, the rest from the
    /// records (`records`).
    static func counts(
        _ search: SearchRequest, _ grid: SparklineGrid, only: Set<PatternID>?, store: PostgresLogStore,
        records: (SearchRequest, SparklineGrid, Set<PatternID>?) async throws -> [PatternCountRow]
    ) async throws -> [PatternCountRow] {
        guard let plan = RollupPlan(search, unitMicroseconds: slotMicroseconds, keys: keys) else {
            return try await records(search, grid, only)
        }
        var builder = SQLBuilder<PostgresDialect>()
        let conditions =
            plan.conditions(tenant: search.tenant, column: "slot", &builder)
            + (only.map { builder.patternList($0) } ?? "")
        let bucket = grid.bucket(of: "slot * \(slotMicroseconds)", &builder)
        let sql = """
            SELECT pattern_id, level, NULLIF(service, ''), \(bucket), sum(count)::int8 FROM pattern_counts
            WHERE \(conditions) GROUP BY pattern_id, level, service, 4 HAVING sum(count) > 0
            """
        var rolled: [PatternCountRow] = []
        for row in try await store.execute(sql, builder.values) {
            rolled.append(
                PatternCountRow(
                    mined: PatternID(storedValue: try row.integer(0)), level: try row.level(1), service: row[2]?.text,
                    bucket: Int(try row.integer(3)), count: Int(try row.integer(4)), first: .max, last: .min))
        }
        let bounds = try await times(search, ids: Set(rolled.map(\.mined)), store: store)
        // Records deleted between the two statements leave counts without times: the whole slots' span stands in.
        let span = (
            (plan.whole.first ?? 0) * slotMicroseconds, (plan.whole.end ?? 0) * slotMicroseconds - 1
        )
        for index in rolled.indices {
            (rolled[index].first, rolled[index].last) = bounds[rolled[index].mined] ?? span
        }
        for edge in plan.edges { rolled += try await records(edge, grid, only) }
        return rolled
    }

    /// The first and last time in microseconds of the matching records of each mined ID, each read
    /// from the `(tenant, pattern_id, ts)` index.
    private static func times(
        _ search: SearchRequest, ids: Set<PatternID>, store: PostgresLogStore
    ) async throws -> [PatternID: (Int64, Int64)] {
        var found: [PatternID: (Int64, Int64)] = [:]
        let sorted = ids.sorted()
        for start in stride(from: 0, to: sorted.count, by: 500) {
            var builder = SQLBuilder<PostgresDialect>()
            let condition = builder.searchCondition(search)
            let list = sorted[start..<min(start + 500, sorted.count)].map { builder.bind(.integer($0.storedValue)) }
            let edge = { (function: String) in
                PostgresDialect.microseconds(
                    of: "(SELECT \(function)(ts) FROM logs WHERE \(condition) AND pattern_id = m.id)")
            }
            let sql = """
                SELECT m.id, \(edge("min")), \(edge("max"))
                FROM unnest(ARRAY[\(list.joined(separator: ", "))]::int8[]) AS m(id)
                """
            for row in try await store.execute(sql, builder.values) {
                guard let first = row.optionalInteger(1), let last = row.optionalInteger(2) else { continue }
                found[PatternID(storedValue: try row.integer(0))] = (first, last)
            }
        }
        return found
    }
}
