import LogModel
import LogQuery
import Stores
import Testing

/// The contract every ``LogStore`` keeps, run against SQLite and against real PostgreSQL.
@Suite("LogStore contract")
struct LogStoreContractTests {
    @Test("every field survives a round trip", arguments: StoreKind.allCases)
    func roundTrip_everyField_isUnchanged(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let tenant = uniqueTenant()
            let timestamp = Timestamp(rfc3339: "2026-11-28T10:15:30.123456+02:00")!
            let record = LogRecord(
                id: RecordID.make(at: timestamp), tenant: tenant, timestamp: timestamp,
                observedAt: Timestamp(microseconds: timestamp.microseconds + 7), level: .warn, severityNumber: 14,
                service: "payments", host: "web-1", environment: "production",
                message: "Connection to 10.0.0.7 timed out after 3000 ms — ünïcödé ✓",
                traceID: "4bf92f3577b34da6a3ce929d0e0e4736", spanID: "00f067aa0ba902b7", correlationID: "req-42",
                attributes: [
                    "http.status": .integer(504), "duration_ms": .double(3000.5), "retry": .bool(true),
                    "user": .object(["id": .string("u-1"), "roles": .array([.string("admin"), .null])]),
                    "note": .null,
                ])
            try await store.insert([record])
            #expect(try await store.record(tenant: tenant, id: record.id) == record)
            #expect(try await store.search(SearchRequest(tenant: tenant)).records == [record])
        }
    }

    @Test("a stored record is written out byte for byte as the record itself", arguments: StoreKind.allCases)
    func roundTrip_writtenJSON_isUnchanged(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            var record = makeRecord("attributes of every kind", tenant: uniqueTenant())
            record.attributes = [
                "z": .integer(1), "a.b": .string("a\u{8}b\u{C}c\u{1}\"\\/é😀"), "é": .double(1e-7),
                "e\u{301}x": .double(1e20), "big": .integer(.min), "pi": .double(3.141592653589793),
                "nested": .object(["y": .array([.null, .bool(false), .object([:]), .array([])]), "x": .double(0.5)]),
                "": .string(""), "k\"ey": .double(-2.5e-300), "ctl": .string("a\u{8}b\u{C}c\u{1F}d\"\\/"),
            ]
            try await store.insert([record])
            let fetched = try #require(try await store.record(tenant: record.tenant, id: record.id))
            let found = try await store.search(SearchRequest(tenant: record.tenant)).records
            var expected = JSONOutput()
            record.writeJSON(to: &expected)
            for written in [fetched] + found {
                var output = JSONOutput()
                written.writeJSON(to: &output)
                #expect(
                    String(decoding: output.bytes, as: UTF8.self) == String(decoding: expected.bytes, as: UTF8.self))
                #expect(written.attributes == record.attributes)
            }
        }
    }

    @Test("a record without optional fields round-trips with them absent", arguments: StoreKind.allCases)
    func roundTrip_minimalRecord_keepsNils(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let record = makeRecord("just a line", tenant: uniqueTenant())
            try await store.insert([record])
            #expect(try await store.record(tenant: record.tenant, id: record.id) == record)
        }
    }

    @Test("reads never cross tenants", arguments: StoreKind.allCases)
    func reads_otherTenant_seeNothing(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let mine = makeRecord("secret", tenant: uniqueTenant(), correlationID: "shared-id")
            try await store.insert([mine])
            let other = uniqueTenant()
            #expect(try await store.record(tenant: other, id: mine.id) == nil)
            #expect(try await store.search(SearchRequest(tenant: other)).records.isEmpty)
            #expect(try await store.correlated(tenant: other, id: "shared-id", limit: 10).isEmpty)
        }
    }

    @Test("an unknown or malformed id finds nothing", arguments: StoreKind.allCases)
    func record_unknownID_isNil(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let tenant = uniqueTenant()
            let unknown = try await store.record(tenant: tenant, id: RecordID.make(at: baseTime))
            let malformed = try await store.record(tenant: tenant, id: "not-a-uuid")
            #expect(unknown == nil)
            #expect(malformed == nil)
        }
    }

    @Test("each query construct matches exactly the expected records", arguments: StoreKind.allCases)
    func search_queryConstructs_matchExpectedRecords(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let tenant = uniqueTenant()
            try await store.insert(QueryFixture.records(tenant: tenant))
            for (query, expected) in QueryFixture.cases {
                let node = try QueryParser.parse(query)
                let page = try await store.search(SearchRequest(tenant: tenant, query: node, limit: 1000))
                #expect(Set(page.records.map(\.message)) == expected, "query: \(query)")
            }
        }
    }

    @Test("start is inclusive, end exclusive", arguments: StoreKind.allCases)
    func search_timeRange_isHalfOpen(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let tenant = uniqueTenant()
            try await store.insert((0..<10).map { makeRecord("line \($0)", tenant: tenant, second: Int64($0)) })
            let page = try await store.search(
                SearchRequest(
                    tenant: tenant, start: baseTime.adding(microseconds: 2_000_000),
                    end: baseTime.adding(microseconds: 5_000_000)))
            #expect(page.records.map(\.message) == ["line 4", "line 3", "line 2"])
        }
    }

    @Test("pages are newest first, by timestamp then id", arguments: StoreKind.allCases)
    func search_order_isNewestFirstWithIDTieBreak(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let tenant = uniqueTenant()
            let records = (0..<30).map { makeRecord("r\($0)", tenant: tenant, second: Int64($0 % 5)) }
            try await store.insert(records)
            let page = try await store.search(SearchRequest(tenant: tenant, limit: 1000))
            let expected = records.sorted { ($0.timestamp, $0.id) > ($1.timestamp, $1.id) }
            #expect(page.records.map(\.id) == expected.map(\.id))
            #expect(page.nextCursor == nil)
        }
    }

    @Test("paging while others insert has no gaps and no duplicates", arguments: StoreKind.allCases)
    func search_pagingDuringInserts_neitherSkipsNorRepeats(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let tenant = uniqueTenant()
            // Several records share each timestamp, so the id tie-break is exercised at page edges.
            let original = (0..<300).map { makeRecord("old \($0)", tenant: tenant, second: Int64($0 / 3)) }
            try await store.insert(original)
            let inserter = Task {
                for round in 0..<20 {
                    try await store.insert(
                        (0..<10).map { makeRecord("new \(round)-\($0)", tenant: tenant, second: Int64(200 + round)) })
                }
            }
            var seen: [String] = []
            var cursor: SearchCursor?
            let end = baseTime.adding(microseconds: 150 * 1_000_000)
            repeat {
                let page = try await store.search(SearchRequest(tenant: tenant, end: end, limit: 37, cursor: cursor))
                seen += page.records.map(\.id)
                cursor = page.nextCursor
            } while cursor != nil
            try await inserter.value
            #expect(seen.count == Set(seen).count)
            #expect(Set(seen) == Set(original.map(\.id)))
        }
    }

    @Test("a correlation story holds correlation and trace matches, oldest first", arguments: StoreKind.allCases)
    func correlated_mixedServices_returnsTimeOrder(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let tenant = uniqueTenant()
            let story = [
                makeRecord("gateway received", tenant: tenant, second: 5, service: "gateway", correlationID: "abc"),
                makeRecord("payment charged", tenant: tenant, second: 9, service: "payments", traceID: "abc"),
                makeRecord("order created", tenant: tenant, second: 7, service: "orders", correlationID: "abc"),
            ]
            let unrelated = makeRecord("other request", tenant: tenant, second: 6, correlationID: "xyz")
            try await store.insert(story + [unrelated])
            let found = try await store.correlated(tenant: tenant, id: "abc", limit: 100)
            #expect(found.map(\.message) == ["gateway received", "order created", "payment charged"])
            #expect(try await store.correlated(tenant: tenant, id: "abc", limit: 2).count == 2)
        }
    }

    @Test("concurrent inserts are all committed", arguments: StoreKind.allCases)
    func insert_concurrentBatches_allCommitted(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let tenant = uniqueTenant()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for batch in 0..<8 {
                    group.addTask {
                        try await store.insert((0..<50).map { makeRecord("b\(batch) r\($0)", tenant: tenant) })
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await store.search(SearchRequest(tenant: tenant, limit: 1000)).records.count == 400)
        }
    }

    @Test("delete by id removes one record of the tenant only", arguments: StoreKind.allCases)
    func delete_byID_removesOnlyThatRecord(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let tenant = uniqueTenant()
            let keep = makeRecord("keep", tenant: tenant)
            let drop = makeRecord("drop", tenant: tenant)
            try await store.insert([keep, drop])
            let byOtherTenant = try await store.delete(tenant: uniqueTenant(), id: drop.id)
            let byOwner = try await store.delete(tenant: tenant, id: drop.id)
            let again = try await store.delete(tenant: tenant, id: drop.id)
            let malformed = try await store.delete(tenant: tenant, id: "nope")
            #expect(!byOtherTenant && byOwner && !again && !malformed)
            #expect(try await store.search(SearchRequest(tenant: tenant)).records.map(\.message) == ["keep"])
            #expect(
                try await store.search(SearchRequest(tenant: tenant, query: .predicate(.messageContains("drop"))))
                    .records.isEmpty)
        }
    }

    @Test("delete by query removes exactly the matching records", arguments: StoreKind.allCases)
    func delete_matchingQuery_removesMatches(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let tenant = uniqueTenant()
            let other = uniqueTenant()
            try await store.insert(QueryFixture.records(tenant: tenant) + QueryFixture.records(tenant: other))
            let deleted = try await store.delete(
                matching: SearchRequest(tenant: tenant, query: try QueryParser.parse("service:payments"), limit: 1))
            #expect(deleted == 2)
            let left = try await store.search(SearchRequest(tenant: tenant, limit: 1000)).records.map(\.message)
            #expect(Set(left) == QueryFixture.everything.subtracting([QueryFixture.timeout, QueryFixture.declined]))
            #expect(try await store.search(SearchRequest(tenant: other, limit: 1000)).records.count == 6)
        }
    }

    @Test(
        "stats count matches in all, by level and by service, within the tenant and time range",
        arguments: StoreKind.allCases)
    func stats_countsMatches(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let tenant = uniqueTenant()
            try await store.insert(
                [
                    makeRecord("a", tenant: tenant, second: 0, level: .error, service: "api"),
                    makeRecord("b", tenant: tenant, second: 1, level: .error, service: "api"),
                    makeRecord("c", tenant: tenant, second: 2, level: .info, service: "api"),
                    makeRecord("d", tenant: tenant, second: 3, level: .info, service: "worker"),
                    makeRecord("e timeout", tenant: tenant, second: 4, level: .warn),
                    makeRecord("f", tenant: tenant, second: 9, level: .fatal, service: "worker"),
                ] + [makeRecord("other", tenant: uniqueTenant(), level: .error, service: "api")])
            let all = try await store.stats(SearchRequest(tenant: tenant, limit: 1))
            #expect(
                all
                    == LogStats(
                        total: 6, byLevel: [.error: 2, .info: 2, .warn: 1, .fatal: 1],
                        byService: ["api": 3, "worker": 2]))
            let window = try await store.stats(
                SearchRequest(
                    tenant: tenant, query: try QueryParser.parse("level:>=WARN"),
                    start: baseTime.adding(microseconds: 1_000_000),
                    end: baseTime.adding(microseconds: 9_000_000)))
            #expect(window == LogStats(total: 2, byLevel: [.error: 1, .warn: 1], byService: ["api": 1]))
            let none = try await store.stats(
                SearchRequest(tenant: tenant, query: try QueryParser.parse("nothing-like-this")))
            #expect(none == LogStats(total: 0, byLevel: [:], byService: [:]))
        }
    }

    /// Where the stats test puts its records, and the ranges it counts in, in seconds from ``baseTime``
    /// (an hour's start).
    enum StatsSpan: CaseIterable, Sendable {
        /// Ten minutes: whole and partial minutes, some of the partial ones short of a whole minute by a
        /// second or three (counted in PostgreSQL as the minute less the rest).
        case tenMinutes
        /// Ten hours: whole and partial hours, and the whole and partial minutes at their ends, some
        /// partial hours and minutes nearly whole.
        case tenHours

        func second(ofRecord index: Int) -> Int64 {
            Int64(self == .tenMinutes ? index * 7 % 600 : index * 127 % 36_000)
        }

        var ranges: [(Double?, Double?)] {
            switch self {
            case .tenMinutes:
                [(nil, nil), (30.5, 545.25), (60, 120), (59, 61), (0, 600), (nil, 90.5), (301, nil), (nil, 597)]
            case .tenHours:
                [
                    (nil, nil), (1830.5, 32_715.25), (3600, 7200), (3599, 3601), (0, 36_000), (nil, 5430.5),
                    (18_061, nil), (7199.5, 14_400), (nil, 35_941),
                ]
            }
        }
    }

    @Test(
        "stats and counts by service, unfiltered or by service and level, stay exact at partial minutes and hours and through deletes",
        arguments: StoreKind.allCases, StatsSpan.allCases)
    func stats_unfilteredOrByServiceAndLevel_exactThroughDeletes(kind: StoreKind, span: StatsSpan) async throws {
        try await withStore(kind) { store in
            let tenant = uniqueTenant()
            let levels: [LogLevel] = [.info, .error, .warn, .debug]
            let records = (0..<300).map { (index: Int) -> LogRecord in
                let service: String? = index % 3 == 0 ? nil : "s\(index % 3)"
                let second = span.second(ofRecord: index)
                return makeRecord(
                    "r\(index)", tenant: tenant, second: second, level: levels[index % 4], service: service)
            }
            for batch in stride(from: 0, to: records.count, by: 100) {
                try await store.insert(Array(records[batch..<batch + 100]))
            }
            #expect(try await store.delete(tenant: tenant, id: records[5].id))
            let wildcard = try QueryParser.parse("r1*")
            #expect(try await store.delete(matching: SearchRequest(tenant: tenant, query: wildcard)) == 111)
            let kept = records.filter { $0.id != records[5].id && !$0.message.hasPrefix("r1") }
            func at(_ seconds: Double) -> Timestamp { baseTime.adding(microseconds: Int64(seconds * 1_000_000)) }
            let ranges = span.ranges.map { range in (range.0.map(at), range.1.map(at)) }
            let queries: [(text: String, matches: (LogRecord) -> Bool)] = [
                ("", { _ in true }), ("service:s1", { $0.service == "s1" }), ("level:>=warn", { $0.level >= .warn }),
                ("service:s2 AND level:error", { $0.service == "s2" && $0.level == .error }),
                ("service:s1 OR level:info", { $0.service == "s1" || $0.level == .info }),
            ]
            for (text, matches) in queries {
                for (start, end) in ranges {
                    var expected = LogStats(total: 0, byLevel: [:], byService: [:])
                    for record in kept where record.timestamp >= start ?? record.timestamp && matches(record) {
                        if let end, record.timestamp >= end { continue }
                        expected.total += 1
                        expected.byLevel[record.level, default: 0] += 1
                        if let service = record.service { expected.byService[service, default: 0] += 1 }
                    }
                    let search = SearchRequest(
                        tenant: tenant, query: try QueryParser.parse(text), start: start, end: end)
                    let range = "\(text) from \(String(describing: start)) to \(String(describing: end))"
                    #expect(try await store.stats(search) == expected, "\(range)")
                    let byService = try await store.groupCounts(
                        GroupByRequest(search: search, fields: [.service], limit: 10, descending: true))
                    var expectedByService: [String?: Int] = expected.byService
                    let without = expected.total - expected.byService.values.reduce(0, +)
                    if without > 0 { expectedByService[nil] = without }
                    #expect(
                        Dictionary(uniqueKeysWithValues: byService.groups.map { ($0.keys[0], $0.count) })
                            == expectedByService, "\(range)")
                    #expect(byService.total == expected.total, "\(range)")
                }
            }
        }
    }

    @Test("an upload's progress is its highest stored line, per tenant and upload", arguments: StoreKind.allCases)
    func uploadProgress_highestLineOfThatUpload(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let tenant = uniqueTenant()
            let other = uniqueTenant()
            func line(_ number: Int, of upload: String, tenant: String) -> LogRecord {
                makeRecord(
                    "line \(number)", tenant: tenant,
                    attributes: ["upload.id": .string(upload), "upload.line": .integer(Int64(number))])
            }
            try await store.insert([2, 5, 3].map { line($0, of: "u-1", tenant: tenant) })
            try await store.insert([line(9, of: "u-2", tenant: tenant), line(50, of: "u-1", tenant: other)])
            #expect(try await store.uploadProgress(tenant: tenant, uploadID: "u-1") == 5)
            #expect(try await store.uploadProgress(tenant: tenant, uploadID: "u-2") == 9)
            #expect(try await store.uploadProgress(tenant: tenant, uploadID: "u-3") == 0)
            #expect(try await store.uploadProgress(tenant: other, uploadID: "u-1") == 50)
        }
    }

    @Test("ping succeeds on a running store", arguments: StoreKind.allCases)
    func ping_runningStore_succeeds(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.ping()
        }
    }
}
