import LogModel

/// Histograms and group-by answered from `log_counts` (``PostgresLogCounts``) when they can be: a
/// query of nothing but exact services and level comparisons, split by nothing, level or service,
/// and (for histograms) whole-minute buckets without error counts. The whole minutes of the range
/// come from the counts, its partial minutes at either end from the records, so the answer is the
/// same as a scan's, while a day of records by level reads about 1,440 rows per service and level
/// instead of every record.
extension PostgresLogStore {
    /// The histogram's rows from the counts, or nil when the request needs the records.
    func countedHistogramRows(_ request: HistogramRequest) async throws -> [HistogramRow]? {
        let minutesPerBucket = request.intervalMicroseconds / 60_000_000
        guard !request.countsErrors, minutesPerBucket > 0, request.intervalMicroseconds % 60_000_000 == 0,
            let key = Self.countedKey(request.by),
            let plan = RollupPlan(
                request.search, unitMicroseconds: PostgresLogCounts.minuteMicroseconds, keys: PostgresLogCounts.keys)
        else { return nil }
        var builder = SQLBuilder<PostgresDialect>()
        let conditions = plan.conditions(tenant: request.search.tenant, column: "minute", &builder)
        let width = builder.bind(.integer(minutesPerBucket))
        let sql = """
            SELECT (minute - ((minute % \(width)) + \(width)) % \(width)) / \(width), \(key), sum(count)::int8, 0::int8
            FROM log_counts WHERE \(conditions) GROUP BY 1, 2 HAVING sum(count) > 0
            """
        var rows = try SQLHistogram<PostgresDialect>.rows(try await execute(sql, builder.values))
        for edge in plan.edges {
            var part = request
            part.search = edge
            rows += try await SQLHistogram<PostgresDialect>.rows(for: part, run: execute)
        }
        return rows
    }

    /// The group counts from the counts, or nil when the request needs the records.
    func countedGroupCounts(_ request: GroupByRequest) async throws -> GroupCounts? {
        let keys = request.fields.map { Self.countedKey($0) }
        guard !keys.isEmpty, keys.allSatisfy({ $0 != nil && $0 != "NULL" }),
            let plan = RollupPlan(
                request.search, unitMicroseconds: PostgresLogCounts.minuteMicroseconds, keys: PostgresLogCounts.keys)
        else { return nil }
        var builder = SQLBuilder<PostgresDialect>()
        let conditions = plan.conditions(tenant: request.search.tenant, column: "minute", &builder)
        let columns = keys.compactMap(\.self).joined(separator: ", ")
        let positions = (1...keys.count).map(String.init).joined(separator: ", ")
        let sql = """
            SELECT \(columns), sum(count)::int8 FROM log_counts WHERE \(conditions) \
            GROUP BY \(positions) HAVING sum(count) > 0
            """
        var counts: [[String?]: Int] = [:]
        let add = { (rows: [[SQLValue?]]) in
            for row in rows {
                counts[(0..<keys.count).map { row[$0]?.text }, default: 0] += Int(try row.integer(keys.count))
            }
        }
        try add(try await execute(sql, builder.values))
        for edge in plan.edges {
            var part = request
            (part.search, part.limit) = (edge, Int(Int32.max))
            let groups = SQLGroupBy<PostgresDialect>.statements(part).groups
            try add(try await execute(groups.sql, groups.values))
        }
        let ordered = counts.map { GroupCounts.Group(keys: $0.key, count: $0.value) }.sorted { left, right in
            guard left.count == right.count else { return request.descending == (left.count > right.count) }
            return Self.keysOrderedBefore(left.keys, right.keys)
        }
        return GroupCounts(groups: Array(ordered.prefix(request.limit)), total: counts.values.reduce(0, +))
    }

    /// The `log_counts` expression of a split: NULL for none; nil when the counts do not hold it.
    private static func countedKey(_ field: AnalyticsField?) -> String? {
        switch field {
        case nil: "NULL"
        case .level: "level"
        case .service: "NULLIF(service, '')"
        default: nil
        }
    }

    /// PostgreSQL's ascending order of key tuples: by each key in turn, NULL after every value.
    private static func keysOrderedBefore(_ left: [String?], _ right: [String?]) -> Bool {
        for (a, b) in zip(left, right) where a != b {
            guard let a else { return false }
            guard let b else { return true }
            return a < b
        }
        return false
    }
}
