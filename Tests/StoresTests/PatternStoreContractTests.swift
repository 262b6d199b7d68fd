import LogModel
import LogQuery
import Stores
import TestSupport
import Testing

/// Log patterns on both stores: templates and merges as several processes record them, counts and
/// listings from the records' `pattern_id`, and `pattern:ID` in the query language.
@Suite("PatternStore contract")
struct PatternStoreContractTests {
    private static func template(
        _ text: String, second: Int64 = 0, count: Int = 1, examples: [String] = []
    ) -> PatternTemplate {
        let time = baseTime.adding(microseconds: second * 1_000_000)
        return PatternTemplate(
            id: PatternID(template: text), template: text, firstSeen: time, lastSeen: time, count: count,
            examples: examples)
    }

    private static func record(
        _ message: String, tenant: String, pattern: String, second: Int64, level: LogLevel = .info,
        service: String? = nil
    )
        -> LogRecord
    {
        var record = makeRecord(message, tenant: tenant, second: second, level: level, service: service)
        record.patternID = PatternID(template: pattern)
        return record
    }

    @Test(
        "recorded templates add up: first seen only earlier, last seen only later, counts summed, the longest examples kept",
        arguments: StoreKind.allCases)
    func recordAddsUp(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let patterns = try #require(store as? any PatternStore)
            let tenant = uniqueTenant()
            try await patterns.recordPatterns(
                tenant: tenant,
                templates: [Self.template("disk <*> full", second: 10, count: 2, examples: ["disk a full"])],
                merges: [])
            try await patterns.recordPatterns(
                tenant: tenant,
                templates: [
                    Self.template("disk <*> full", second: 5, count: 3, examples: ["disk b full", "disk c full"]),
                    Self.template("disk <*> full", second: 20, count: 1, examples: []),
                ], merges: [])
            let stored = try await patterns.currentPatterns(tenant: tenant)
            #expect(stored.count == 1)
            let only = try #require(stored.first)
            #expect(only.template == "disk <*> full")
            #expect(only.firstSeen == baseTime.adding(microseconds: 5_000_000))
            #expect(only.lastSeen == baseTime.adding(microseconds: 20_000_000))
            #expect(only.count == 6)
            #expect(only.examples == ["disk b full", "disk c full"])
            #expect(try await patterns.currentPatterns(tenant: uniqueTenant()).isEmpty)
        }
    }

    @Test(
        "merges stay flat: a template merged into one that is merged later follows it, and none merges into itself",
        arguments: StoreKind.allCases)
    func mergesStayFlat(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let patterns = try #require(store as? any PatternStore)
            let tenant = uniqueTenant()
            let (a, b, c) = ("user alice login", "user <*> login", "<*> <*> login")
            try await patterns.recordPatterns(
                tenant: tenant,
                templates: [
                    Self.template(a), Self.template(b, second: 10), Self.template(c, second: 20),
                ],
                merges: [PatternMerge(from: PatternID(template: a), to: PatternID(template: b))])
            try await patterns.recordPatterns(
                tenant: tenant, templates: [],
                merges: [
                    PatternMerge(from: PatternID(template: b), to: PatternID(template: c)),
                    PatternMerge(from: PatternID(template: c), to: PatternID(template: c)),
                ])
            let current = try await patterns.currentPatterns(tenant: tenant)
            #expect(current.map(\.template) == [c])
            #expect(current.first?.firstSeen == baseTime)
            try await store.insert([
                Self.record("user alice login", tenant: tenant, pattern: a, second: 1),
                Self.record("user bob login", tenant: tenant, pattern: b, second: 2),
                Self.record("admin carol login", tenant: tenant, pattern: c, second: 3),
                Self.record("disk full", tenant: tenant, pattern: "disk full", second: 4),
            ])
            for id in [a, b, c] {
                let query = try QueryParser.parse("pattern:\(PatternID(template: id))")
                let page = try await store.search(SearchRequest(tenant: tenant, query: query))
                #expect(page.records.map(\.message) == ["admin carol login", "user bob login", "user alice login"])
            }
            let negated = try QueryParser.parse("NOT pattern:\(PatternID(template: a))")
            #expect(
                try await store.search(SearchRequest(tenant: tenant, query: negated)).records.map(\.message) == [
                    "disk full"
                ])
            let elsewhere = try QueryParser.parse("pattern:\(PatternID(template: c))")
            #expect(try await store.search(SearchRequest(tenant: uniqueTenant(), query: elsewhere)).records.isEmpty)
        }
    }

    @Test(
        "a listing counts the matching records of each pattern in the range, merged IDs with their pattern, by level and service, with a sparkline",
        arguments: StoreKind.allCases)
    func listing(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let patterns = try #require(store as? any PatternStore)
            let tenant = uniqueTenant()
            let (timeout, old, disk) = ("DB timeout after <*> ms", "DB timeout after <*> ms in pool", "disk <*> full")
            try await patterns.recordPatterns(
                tenant: tenant,
                templates: [
                    Self.template(timeout, second: 100, examples: ["DB timeout after 30 ms"]),
                    Self.template(old, second: 0), Self.template(disk, second: 50),
                ],
                merges: [PatternMerge(from: PatternID(template: old), to: PatternID(template: timeout))])
            var records: [LogRecord] = []
            for index in 0..<6 {
                let level: LogLevel = index < 2 ? .error : .warn
                let service = index < 4 ? "payments" : "orders"
                let second = Int64(100 + index * 10)
                records.append(
                    Self.record(
                        "DB timeout after \(index) ms", tenant: tenant, pattern: timeout, second: second, level: level,
                        service: service))
            }
            records.append(
                Self.record(
                    "DB timeout after 9 ms in pool", tenant: tenant, pattern: old, second: 5, level: .error,
                    service: "payments"))
            records += (0..<3).map {
                Self.record("disk sda\($0) full", tenant: tenant, pattern: disk, second: Int64(50 + $0))
            }
            records.append(Self.record("outside the range", tenant: tenant, pattern: disk, second: 400))
            records.append(makeRecord("stored before patterns", tenant: tenant, second: 7))
            try await store.insert(records)
            let start = baseTime
            let end = baseTime.adding(microseconds: 300_000_000)
            let listed = try await patterns.patternSummaries(
                PatternListRequest(tenant: tenant, start: start, end: end, buckets: 30))
            #expect(listed.map(\.template.template) == [timeout, disk])
            let first = try #require(listed.first)
            #expect(first.count == 7)
            #expect(first.levels == [.error: 3, .warn: 4])
            #expect(
                first.services == [
                    ServiceCount(service: "payments", count: 5), ServiceCount(service: "orders", count: 2),
                ])
            #expect(first.firstInRange == baseTime.adding(microseconds: 5_000_000))
            #expect(first.lastInRange == baseTime.adding(microseconds: 150_000_000))
            #expect(first.template.examples == ["DB timeout after 30 ms"])
            #expect(first.mergedIDs == [PatternID(template: timeout), PatternID(template: old)].sorted())
            #expect(first.sparkline.count == 30)
            #expect(first.sparkline.reduce(0, +) == 7)
            #expect(first.sparkline[0] == 1)
            #expect(first.sparkline[10] == 1)
            #expect(listed[1].count == 3)
            let newest = try await patterns.patternSummaries(
                PatternListRequest(tenant: tenant, start: start, end: end, limit: 1, sort: .new))
            #expect(
                newest.map(\.template.template) == [disk],
                "the timeout template took the first seen of the one it merged")
            let errors = try await patterns.patternSummaries(
                PatternListRequest(tenant: tenant, query: try QueryParser.parse("level:error"), start: start, end: end))
            #expect(errors.map(\.count) == [3])
            let one = try await patterns.patternSummary(
                id: PatternID(template: old), PatternListRequest(tenant: tenant, start: start, end: end))
            #expect(one?.template.id == PatternID(template: timeout))
            #expect(one?.count == 7)
            #expect(
                try await patterns.patternSummary(
                    id: PatternID(template: "unknown"), PatternListRequest(tenant: tenant, start: start, end: end))
                    == nil)
            #expect(
                try await patterns.patternSummaries(
                    PatternListRequest(tenant: uniqueTenant(), start: start, end: end)
                ).isEmpty)
        }
    }

    @Test(
        "listings and single patterns stay exact over ranges that begin and end inside ten-minute slots, with filters, and through deletes",
        arguments: StoreKind.allCases)
    func listingExactOverSlots(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let patterns = try #require(store as? any PatternStore)
            let tenant = uniqueTenant()
            var random = SeededGenerator(seed: 2026)
            let templates = ["login <*> ok", "disk <*> full", "retry <*> of <*>"]
            var records = (0..<600).map { index in
                Self.record(
                    "line \(index)", tenant: tenant, pattern: templates[Int.random(in: 0..<3, using: &random)],
                    second: Int64.random(in: 0..<(3 * 3_600), using: &random),
                    level: [LogLevel.debug, .info, .warn, .error][Int.random(in: 0..<4, using: &random)],
                    service: ["payments", "orders", nil][Int.random(in: 0..<3, using: &random)])
            }
            try await store.insert(records)
            let ranges: [(Int64, Int64)] = [(0, 3 * 3_600), (137, 9_001), (1_799, 1_801 + 1_200), (605, 1_195)]
            let queries = ["", "service:payments", "level:>=warn", "service:orders level:error", "line"]
            func check(_ stage: String) async throws {
                for (from, to) in ranges {
                    for text in queries {
                        let start = baseTime.adding(microseconds: from * 1_000_000)
                        let end = baseTime.adding(microseconds: to * 1_000_000)
                        let query = try QueryParser.parse(text)
                        let matching = records.filter { record in
                            record.timestamp >= start && record.timestamp < end
                                && (text != "service:payments" || record.service == "payments")
                                && (text != "level:>=warn" || record.level >= .warn)
                                && (text != "service:orders level:error"
                                    || (record.service == "orders" && record.level == .error))
                        }
                        let listed = try await patterns.patternSummaries(
                            PatternListRequest(tenant: tenant, query: query, start: start, end: end))
                        let expected = Dictionary(grouping: matching) { $0.patternID! }
                        #expect(
                            Set(listed.map(\.template.id)) == Set(expected.keys), "\(stage) \(from)..<\(to) '\(text)'")
                        for summary in listed {
                            let own = expected[summary.template.id] ?? []
                            let label = "\(stage) \(from)..<\(to) '\(text)' \(summary.template.id)"
                            #expect(summary.count == own.count, "\(label)")
                            #expect(
                                summary.levels == Dictionary(grouping: own, by: \.level).mapValues(\.count), "\(label)")
                            #expect(
                                summary.services.map(\.count).reduce(0, +) == own.filter { $0.service != nil }.count,
                                "\(label)")
                            #expect(summary.firstInRange == own.map(\.timestamp).min(), "\(label)")
                            #expect(summary.lastInRange == own.map(\.timestamp).max(), "\(label)")
                            #expect(summary.sparkline.reduce(0, +) == own.count, "\(label)")
                            let alone = try await patterns.patternSummary(
                                id: summary.template.id,
                                PatternListRequest(tenant: tenant, query: query, start: start, end: end))
                            #expect(alone?.count == own.count, "\(label) alone")
                            #expect(alone?.levels == summary.levels, "\(label) alone")
                            #expect(alone?.firstInRange == summary.firstInRange, "\(label) alone")
                            #expect(alone?.lastInRange == summary.lastInRange, "\(label) alone")
                        }
                    }
                }
            }
            try await check("stored")
            for record in records.prefix(40) { #expect(try await store.delete(tenant: tenant, id: record.id)) }
            records.removeFirst(40)
            var slice = SearchRequest(tenant: tenant, query: try QueryParser.parse("service:orders"))
            slice.start = baseTime.adding(microseconds: 1_000 * 1_000_000)
            slice.end = baseTime.adding(microseconds: 5_000 * 1_000_000)
            let deleted = try await store.delete(matching: slice)
            records.removeAll { record in
                record.service == "orders" && record.timestamp >= slice.start! && record.timestamp < slice.end!
            }
            #expect(deleted > 0)
            try await check("after deletes")
        }
    }
}
