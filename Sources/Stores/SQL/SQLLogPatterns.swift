import LogModel
import LogQuery

/// The ``PatternStore`` operations in SQL that PostgreSQL and SQLite share. `write` runs statements
/// that change the pattern tables, `read` the counts over the records.
struct SQLLogPatterns<Dialect: SQLDialect> {
    let write: StatementRunner
    let read: StatementRunner
    /// Where a listing's counts come from when not from the records alone (PostgreSQL's
    /// ``PostgresPatternCounts``); nil for ``recordCounts(_:_:_:)``.
    var counts: ((SearchRequest, SparklineGrid, Set<PatternID>?) async throws -> [PatternCountRow])? = nil

    /// Rows per multi-row insert.
    private static var rowsPerStatement: Int { 200 }
    /// Most services a summary names.
    private static var topServices: Int { 5 }

    func record(tenant: String, templates: [PatternTemplate], merges: [PatternMerge]) async throws {
        let sorted = Dictionary(templates.map { ($0.id, $0) }, uniquingKeysWith: { $0.adding($1) }).values
            .sorted {
                $0.id < $1.id
            }
        for start in stride(from: 0, to: sorted.count, by: Self.rowsPerStatement) {
            let (sql, values) = Self.upsert(
                tenant: tenant, sorted[start..<min(start + Self.rowsPerStatement, sorted.count)])
            _ = try await write(sql, values)
        }
        for merge in merges where merge.from != merge.to { try await record(tenant: tenant, merge) }
    }

    private static func upsert(tenant: String, _ templates: ArraySlice<PatternTemplate>) -> (String, [SQLValue]) {
        var builder = SQLBuilder<Dialect>()
        let tenantParameter = builder.bind(tenant)
        let rows = templates.map { template in
            let values: [SQLValue] = [
                .integer(template.id.storedValue), .text(template.template), .integer(template.firstSeen.microseconds),
                .integer(template.lastSeen.microseconds), .integer(Int64(template.count)),
                .text(
                    JSONValue.array(template.examples.prefix(PatternTemplate.maxExamples).map(JSONValue.string))
                        .jsonText),
            ]
            return "(\(tenantParameter), " + values.map { builder.bind($0) }.joined(separator: ", ") + ")"
        }
        let stored = Dialect.jsonArrayLength("patterns.examples")
        let offered = Dialect.jsonArrayLength("excluded.examples")
        let sql = """
            INSERT INTO patterns (tenant, id, template, first_seen, last_seen, count, examples)
            VALUES \(rows.joined(separator: ", "))
            ON CONFLICT (tenant, id) DO UPDATE SET
                first_seen = CASE WHEN excluded.first_seen < patterns.first_seen
                    THEN excluded.first_seen ELSE patterns.first_seen END,
                last_seen = CASE WHEN excluded.last_seen > patterns.last_seen
                    THEN excluded.last_seen ELSE patterns.last_seen END,
                count = patterns.count + excluded.count,
                examples = CASE WHEN \(offered) > \(stored) THEN excluded.examples ELSE patterns.examples END
            """
        return (sql, builder.values)
    }

    /// Records one merge, kept flat: its target is first followed to where it was merged (a pattern
    /// merged into itself that way is no merge), and the merges into its source move to that target.
    /// The target is first seen no later than its source, so a template that generalised an old one
    /// is not new.
    private func record(tenant: String, _ merge: PatternMerge) async throws {
        let (tenantParameter, from, to) = (Dialect.placeholder(1), Dialect.placeholder(2), Dialect.placeholder(3))
        let target =
            try await write(
                "SELECT to_id FROM pattern_merges WHERE tenant = \(tenantParameter) AND from_id = \(from)",
                [.text(tenant), .integer(merge.to.storedValue)]
            ).first?.optionalInteger(0) ?? merge.to.storedValue
        guard target != merge.from.storedValue else { return }
        let values: [SQLValue] = [.text(tenant), .integer(merge.from.storedValue), .integer(target)]
        for sql in [
            "UPDATE pattern_merges SET to_id = \(to) WHERE tenant = \(tenantParameter) AND to_id = \(from)",
            """
            INSERT INTO pattern_merges (tenant, from_id, to_id) VALUES (\(tenantParameter), \(from), \(to))
            ON CONFLICT (tenant, from_id) DO UPDATE SET to_id = excluded.to_id
            """,
            """
            UPDATE patterns SET first_seen = (
                SELECT MIN(first_seen) FROM patterns p WHERE p.tenant = \(tenantParameter) AND p.id IN (\(from), \(to)))
            WHERE tenant = \(tenantParameter) AND id = \(to)
            """,
        ] {
            _ = try await write(sql, values)
        }
    }

    func current(tenant: String) async throws -> [PatternTemplate] {
        let sql = """
            SELECT id, template, first_seen, last_seen, count, examples FROM patterns p
            WHERE tenant = \(Dialect.placeholder(1)) AND NOT EXISTS (
                SELECT 1 FROM pattern_merges m WHERE m.tenant = p.tenant AND m.from_id = p.id)
            ORDER BY id
            """
        return try await read(sql, [.text(tenant)]).map(PatternTemplate.init(row:))
    }

    private func merges(tenant: String) async throws -> [PatternID: PatternID] {
        let rows = try await read(
            "SELECT from_id, to_id FROM pattern_merges WHERE tenant = \(Dialect.placeholder(1))", [.text(tenant)])
        var merges: [PatternID: PatternID] = [:]
        for row in rows {
            merges[PatternID(storedValue: try row.integer(0))] = PatternID(storedValue: try row.integer(1))
        }
        return merges
    }

    func summaries(_ request: PatternListRequest, only id: PatternID? = nil) async throws -> [PatternSummary] {
        let merges = try await merges(tenant: request.search.tenant)
        let search = request.search
        // One pattern is its root's ID with every ID merged into it, as `pattern:ID` counts it.
        let only = id.map { id in
            let root = merges[id] ?? id
            return Set([root] + merges.filter { $0.value == root }.map(\.key))
        }
        guard let start = search.start, let end = search.end, end > start else { return [] }
        let grid = SparklineGrid(
            start: start.microseconds, buckets: request.buckets,
            interval: max(
                1, (end.microseconds - start.microseconds + Int64(request.buckets) - 1) / Int64(request.buckets)))
        var folded: [PatternID: Fold] = [:]
        for row in try await (counts ?? recordCounts)(search, grid, only) {
            folded[merges[row.mined] ?? row.mined, default: Fold(buckets: request.buckets)].add(row)
        }
        // Ordering by count needs no template, so only the listed ones are read; by first seen, all are.
        let listed =
            request.sort == .count
            ? folded.sorted { ($1.value.count, $0.key) < ($0.value.count, $1.key) }.prefix(request.limit).map(\.key)
            : Array(folded.keys)
        let templates = try await templates(tenant: search.tenant, ids: listed)
        let summaries = listed.compactMap { id in
            folded[id].map { fold in
                fold.summary(
                    template: templates[id]
                        ?? PatternTemplate(
                            id: id, template: "", firstSeen: Timestamp(microseconds: fold.first),
                            lastSeen: Timestamp(microseconds: fold.last), count: 0, examples: []),
                    topServices: Self.topServices)
            }
        }
        let ordered = summaries.sorted { first, second in
            switch request.sort {
            case .count where first.count != second.count: first.count > second.count
            case .new where first.template.firstSeen != second.template.firstSeen:
                first.template.firstSeen > second.template.firstSeen
            default: first.template.id < second.template.id
            }
        }
        return Array(ordered.prefix(request.limit))
    }

    /// The matching records counted by mined ID, level, service and sparkline bucket, from the records;
    /// with `only`, the records of those mined IDs.
    func recordCounts(
        _ search: SearchRequest, _ grid: SparklineGrid, _ only: Set<PatternID>?
    ) async throws -> [PatternCountRow] {
        var builder = SQLBuilder<Dialect>()
        let condition = builder.searchCondition(search) + (only.map { builder.patternList($0) } ?? "")
        let time = Dialect.microseconds(of: "ts")
        let bucket = grid.bucket(of: time, &builder)
        let sql = """
            SELECT pattern_id, level, service, \(bucket), COUNT(*), MIN(\(time)), MAX(\(time)) FROM logs
            WHERE \(condition) AND pattern_id IS NOT NULL GROUP BY pattern_id, level, service, \(bucket)
            """
        return try await read(sql, builder.values).map { row in
            PatternCountRow(
                mined: PatternID(storedValue: try row.integer(0)), level: try row.level(1), service: row[2]?.text,
                bucket: Int(try row.integer(3)), count: Int(try row.integer(4)), first: try row.integer(5),
                last: try row.integer(6))
        }
    }

    private func templates(tenant: String, ids: [PatternID]) async throws -> [PatternID: PatternTemplate] {
        var found: [PatternID: PatternTemplate] = [:]
        for start in stride(from: 0, to: ids.count, by: Self.rowsPerStatement) {
            var builder = SQLBuilder<Dialect>()
            let tenantParameter = builder.bind(tenant)
            let list = ids[start..<min(start + Self.rowsPerStatement, ids.count)].map {
                builder.bind(.integer($0.storedValue))
            }
            let sql = """
                SELECT id, template, first_seen, last_seen, count, examples FROM patterns
                WHERE tenant = \(tenantParameter) AND id IN (\(list.joined(separator: ", ")))
                """
            for template in try await read(sql, builder.values).map(PatternTemplate.init(row:)) {
                found[template.id] = template
            }
        }
        return found
    }

    /// One pattern's rows folded together.
    private struct Fold {
        var count = 0
        var first = Int64.max
        var last = Int64.min
        var levels: [LogLevel: Int] = [:]
        var services: [String: Int] = [:]
        var sparkline: [Int]
        var mined: Set<PatternID> = []

        init(buckets: Int) {
            sparkline = Array(repeating: 0, count: buckets)
        }

        mutating func add(_ row: PatternCountRow) {
            count += row.count
            first = min(first, row.first)
            last = max(last, row.last)
            levels[row.level, default: 0] += row.count
            if let service = row.service { services[service, default: 0] += row.count }
            sparkline[min(max(row.bucket, 0), sparkline.count - 1)] += row.count
            mined.insert(row.mined)
        }

        func summary(template: PatternTemplate, topServices: Int) -> PatternSummary {
            let services = self.services.map { ServiceCount(service: $0.key, count: $0.value) }.sorted {
                $0.count != $1.count ? $0.count > $1.count : $0.service < $1.service
            }
            return PatternSummary(
                template: template, count: count, firstInRange: Timestamp(microseconds: first),
                lastInRange: Timestamp(microseconds: last), levels: levels,
                services: Array(services.prefix(topServices)),
                sparkline: sparkline, mergedIDs: mined.sorted())
        }
    }
}

extension PatternTemplate {
    /// A template from a row of `id, template, first_seen, last_seen, count, examples`.
    fileprivate init(row: [SQLValue?]) throws {
        let examples: [String] =
            switch try JSONParser.parse(try row.text(5).utf8) {
            case .array(let items): items.compactMap(\.text)
            default: []
            }
        self.init(
            id: PatternID(storedValue: try row.integer(0)), template: try row.text(1),
            firstSeen: Timestamp(microseconds: try row.integer(2)),
            lastSeen: Timestamp(microseconds: try row.integer(3)),
            count: Int(try row.integer(4)), examples: examples)
    }
}

/// The buckets of a listing's sparklines: `buckets` of `interval` microseconds from `start`.
struct SparklineGrid: Sendable {
    var start: Int64
    var buckets: Int
    var interval: Int64

    /// The SQL expression of the bucket of the time in microseconds `time`.
    func bucket(of time: String, _ builder: inout SQLBuilder<some SQLDialect>) -> String {
        "CAST((\(time) - \(builder.bind(.integer(start)))) / \(builder.bind(.integer(interval))) AS BIGINT)"
    }
}

extension SQLBuilder {
    /// ` AND pattern_id IN (...)` for the mined IDs `ids`, bound in order.
    mutating func patternList(_ ids: Set<PatternID>) -> String {
        " AND pattern_id IN (\(ids.sorted().map { bind(.integer($0.storedValue)) }.joined(separator: ", ")))"
    }
}

/// Matching records of one mined template, level and service in one sparkline bucket, with the
/// times of the first and last of them.
struct PatternCountRow: Sendable {
    var mined: PatternID
    var level: LogLevel
    var service: String?
    var bucket: Int
    var count: Int
    var first: Int64
    var last: Int64
}
