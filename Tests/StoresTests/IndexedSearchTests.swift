import LogModel
import LogQuery
import Logging
import Testing

@testable import Stores

/// How a PostgreSQL search on the message text or attributes chooses between reading the newest rows
/// in time order and a GIN index, and that whichever way it goes, the page is the same.
@Suite("Indexed search")
struct IndexedSearchTests {
    private let strategy = IndexedSearch(
        firstRows: 1_000, shortRead: 5_000, readBudget: 100_000, rowReadTime: .microseconds(2),
        trialBounds: .milliseconds(25) ... .seconds(1))

    private func progress(read: Int, matched: Int, indexTried: Bool = false) -> IndexedSearch.Progress {
        IndexedSearch.Progress(read: read, matched: matched, wanted: 101, indexTried: indexTried)
    }

    @Test("no match among the rows read: the index, at once")
    func noMatch_goesToIndex() {
        #expect(strategy.next(after: progress(read: 1_000, matched: 0)) == .index)
        #expect(strategy.next(after: progress(read: 1_000, matched: 0, indexTried: true)) == .index)
    }

    @Test("common text: read on, as far as the matches so far say the page needs, with a quarter to spare")
    func commonText_readsOn() {
        // 50 of 101 in 1,000 rows: 51 more need about 1,020 rows, 1,275 with the margin.
        #expect(strategy.next(after: progress(read: 1_000, matched: 50)) == .read(rows: 1_275))
    }

    @Test("text of middling frequency: try the index for as long as the read would take, then read on")
    func middlingText_triesIndexThenReads() {
        // 2 of 101 in 1,000 rows: 99 more need about 49,500 rows, 61,875 with the margin, 124 ms to read.
        #expect(strategy.next(after: progress(read: 1_000, matched: 2)) == .tryIndex(within: .microseconds(123_750)))
        #expect(strategy.next(after: progress(read: 1_000, matched: 2, indexTried: true)) == .read(rows: 61_875))
        // 20 of 101: 5,063 rows, 10 ms to read, but the index gets at least 25 ms.
        #expect(strategy.next(after: progress(read: 1_000, matched: 20)) == .tryIndex(within: .milliseconds(25)))
    }

    @Test("past the budget, or when the page would take more than it: the index, however long it takes")
    func overBudget_goesToIndex() {
        #expect(strategy.next(after: progress(read: 1_000, matched: 1, indexTried: true)) == .index)
        #expect(strategy.next(after: progress(read: 100_000, matched: 100)) == .index)
        #expect(strategy.next(after: progress(read: 99_000, matched: 100)) == .read(rows: 1_000))
    }

    @Test("an index lookup covers its range newest first in slices, each twice the last, a month partition whole")
    func slices_newestFirstDoubling() throws {
        let days = IndexedSearch(
            firstRows: 1_000, shortRead: 5_000, readBudget: 100_000, rowReadTime: .microseconds(2),
            trialBounds: .milliseconds(25) ... .seconds(1), sliceLength: .seconds(86_400), doublings: 3)
        func starts(below position: String, from start: String?) throws -> [String?] {
            try days.sliceStarts(below: time(position), from: start.map(time)).map { $0?.rfc3339 }
        }
        func time(_ text: String) throws -> Timestamp { try #require(Timestamp(rfc3339: text)) }
        let position = "2026-11-24T05:00:00Z"
        #expect(
            try starts(below: position, from: nil) == [
                "2026-11-24T00:00:00.000000Z", "2026-11-23T00:00:00.000000Z", "2026-11-21T00:00:00.000000Z",
                "2026-11-17T00:00:00.000000Z", nil,
            ])
        #expect(
            try starts(below: position, from: "2026-11-22T12:00:00Z") == [
                "2026-11-24T00:00:00.000000Z", "2026-11-23T00:00:00.000000Z", "2026-11-21T00:00:00.000000Z",
            ])
        #expect(try starts(below: position, from: "2026-11-24T00:00:00Z") == ["2026-11-24T00:00:00.000000Z"])
        #expect(try starts(below: position, from: "2026-11-17T00:00:00Z").count == 4)
        #expect(try starts(below: "2026-11-24T00:00:00Z", from: nil).first == "2026-11-24T00:00:00.000000Z")
        let november = try time("2026-11-01T00:00:00Z")..<time("2026-12-01T00:00:00Z")
        let monthly = days.sliceStarts(below: try time(position), from: nil) {
            november.contains($0) ? november.lowerBound : $0
        }
        #expect(
            monthly.map { $0?.rfc3339 } == [
                "2026-11-01T00:00:00.000000Z", "2026-10-31T00:00:00.000000Z", "2026-10-29T00:00:00.000000Z",
                "2026-10-25T00:00:00.000000Z", nil,
            ])
    }

    @Test("an index can find every match only when every match satisfies a condition it serves")
    func requiresIndexedCondition() throws {
        let cases: [(String, Bool)] = [
            ("timeout", true), ("\"connection reset\"", true), ("level:ERROR timeout", true),
            ("timeout OR refused", true), ("timeout OR level:ERROR", false), ("-timeout", false),
            ("level:ERROR -timeout", false), ("time*out", true), ("service:api", false),
            ("attributes.user_id:u42", true), ("attributes.user_id:*", true), ("attributes.duration_ms>100", false),
            ("attributes.user_id:u42 OR timeout", true), ("-attributes.user_id:u42", false),
        ]
        for (query, expected) in cases {
            #expect(try QueryParser.parse(query).requires(PostgresDialect.isIndexed) == expected, "query: \(query)")
        }
    }

    /// JIT compilation costs searches more than it saves; GIN pending lists of 8 MB make half as many
    /// inserts wait for a merge.
    @Test(
        "the store's connections run without JIT and let GIN pending lists reach 8 MB",
        arguments: [("jit", "off"), ("gin_pending_list_limit", "8MB")])
    func connections_sessionSettings(name: String, expected: String) async throws {
        let store = try postgresStore(logger: Logger(label: "test"), indexedSearch: .default)
        try await running(store) {
            let setting = try await store.execute("SHOW \(name)", []).first?.first
            #expect(setting == .text(expected))
        }
    }

    /// 10,000 records a second apart, all holding the trigrams of the phrase, one in twenty the phrase
    /// itself (`beta gamma alpha` has those of `beta alpha` too): the index trial has 10,000 candidates
    /// to check and runs out of its millisecond, after none or some of its ten-minute slices, so the
    /// search reads on from where the slices it finished end.
    @Test("a search whose index trial runs out of time reads on and returns the same pages as the index")
    func indexTrialTimesOut_samePages() async throws {
        let tenant = uniqueTenant()
        let records = (0..<10_000).map { index in
            let message = index % 20 == 0 ? "gamma beta alpha row \(index)" : "beta gamma alpha row \(index)"
            return makeRecord(message, tenant: tenant, second: Int64(index))
        }
        let expected = records.filter { $0.message.hasPrefix("gamma") }.reversed().map(\.id)
        let logger = Logger(label: "test")
        let hurried = IndexedSearch(
            firstRows: 100, shortRead: 50, readBudget: 5_000, rowReadTime: .nanoseconds(1),
            trialBounds: .milliseconds(1) ... .milliseconds(1), sliceLength: .seconds(600), doublings: 3)
        let patient = IndexedSearch(
            firstRows: 100, shortRead: 50, readBudget: 5_000, rowReadTime: .seconds(1),
            trialBounds: .seconds(30) ... .seconds(30), sliceLength: .seconds(600), doublings: 3)
        for strategy in [hurried, patient] {
            let store = try postgresStore(logger: logger, indexedSearch: strategy)
            try await running(store) {
                if strategy == hurried {
                    for start in stride(from: 0, to: records.count, by: 1_000) {
                        try await store.insert(Array(records[start..<start + 1_000]))
                    }
                }
                var request = SearchRequest(tenant: tenant, query: try QueryParser.parse("\"beta alpha\""), limit: 100)
                var found: [String] = []
                while true {
                    let page = try await store.search(request)
                    found += page.records.map(\.id)
                    guard let next = page.nextCursor else { break }
                    request.cursor = next
                }
                #expect(found == expected)
            }
        }
    }
}
