import Foundation
import LogModel
import LogQuery
import Stores
import TestSupport
import Testing

/// Histograms and group-by counts on both stores against counts done here from the same seeded
/// records.
@Suite("Analytics contract")
struct HistogramContractTests {
    /// Seeded records over three days around a month end, with 14 services (so `other` is needed),
    /// levels, statuses and an attribute.
    static func records(tenant: String) -> [LogRecord] {
        var generator = SeededGenerator(seed: 18)
        let start = Timestamp(rfc3339: "2026-01-30T22:00:00Z")!.microseconds
        return (0..<3000).map { index in
            let offset = Int64.random(in: 0..<(3 * 86_400_000_000), using: &generator)
            let level = LogLevel.allCases.randomElement(using: &generator)!
            var attributes: [String: JSONValue] = ["zone": .string(["a", "b", "c"].randomElement(using: &generator)!)]
            if index % 3 == 0 {
                attributes["http.status"] = .integer([200, 204, 404, 500, 503].randomElement(using: &generator)!)
            }
            var record = makeRecord(
                "record \(index)", tenant: tenant, level: level,
                service: "svc-\(Int.random(in: 0..<14, using: &generator))", attributes: attributes)
            record.timestamp = Timestamp(microseconds: start + offset)
            return record
        }
    }

    @Test(
        "counts per bucket and series equal counts done independently; empty buckets are zeros",
        arguments: StoreKind.allCases)
    func histogram_matchesIndependentCounts(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let tenant = uniqueTenant()
            let records = Self.records(tenant: tenant)
            try await store.insert(records)
            let start = Timestamp(rfc3339: "2026-01-30T00:00:00Z")!
            let end = Timestamp(rfc3339: "2026-02-03T00:00:00Z")!
            let fields: [(AnalyticsField?, (LogRecord) -> String?)] = [
                (nil, { _ in nil }), (.level, { $0.level.rawValue }), (.service, { $0.service }),
                (.attribute("zone"), { if case .string(let zone) = $0.attributes["zone"] { zone } else { nil } }),
                (
                    .httpStatusClass,
                    {
                        if case .integer(let status) = $0.attributes["http.status"] { "\(status / 100)xx" } else { nil }
                    }
                ),
            ]
            for interval: Int64 in [3_600_000_000, 86_400_000_000] {
                for (field, value) in fields {
                    let request = HistogramRequest(
                        search: SearchRequest(tenant: tenant, start: start, end: end), intervalMicroseconds: interval,
                        by: field)
                    let histogram = Histogram(rows: try await store.histogramRows(request), request: request)
                    #expect(histogram.buckets.count == Int(4 * 86_400_000_000 / interval))
                    #expect(histogram.buckets.first == start)
                    if interval == 86_400_000_000 {
                        #expect(histogram.buckets[2] == Timestamp(rfc3339: "2026-02-01T00:00:00Z"))
                    }
                    var expected: [String?: [Int]] = [:]
                    for record in records {
                        let bucket = Int((record.timestamp.microseconds - start.microseconds) / interval)
                        expected[value(record), default: Array(repeating: 0, count: histogram.buckets.count)][bucket] +=
                            1
                    }
                    let kept = histogram.series.filter { !(histogram.hasOther && $0 == histogram.series.last) }
                    for series in kept {
                        #expect(
                            series.counts == expected[series.key], "\(String(describing: field)) \(series.key ?? "nil")"
                        )
                        #expect(series.total == series.counts.reduce(0, +))
                    }
                    #expect(histogram.series.reduce(0) { $0 + $1.total } == records.count)
                    #expect(histogram.hasOther == (expected.count > Histogram.topSeries))
                    if histogram.hasOther {
                        let smallest = kept.map(\.total).min() ?? 0
                        let others = expected.filter { key, _ in !kept.contains { $0.key == key } }
                        #expect(others.values.allSatisfy { $0.reduce(0, +) <= smallest })
                    }
                }
            }
        }
    }

    @Test(
        "over ranges that start and end inside a minute, counts by nothing, level and service equal those of a query matching every record (PostgreSQL reads whole minutes from log_counts, a query reads the records)",
        arguments: StoreKind.allCases)
    func countedRanges_matchScannedRanges(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let tenant = uniqueTenant()
            try await store.insert(Self.records(tenant: tenant))
            let everything = try QueryParser.parse("record")
            let ranges = [
                ("2026-01-30T23:59:30.500000Z", "2026-02-02T00:00:10Z"),
                ("2026-01-31T10:00:00Z", "2026-01-31T10:45:00Z"),
                ("2026-01-31T10:00:59.999999Z", "2026-01-31T10:01:00.000001Z"),
            ]
            for (start, end) in ranges {
                let search = SearchRequest(
                    tenant: tenant, start: Timestamp(rfc3339: start)!, end: Timestamp(rfc3339: end)!)
                var scanned = search
                scanned.query = everything
                for field: AnalyticsField? in [nil, .level, .service] {
                    for interval: Int64 in [60_000_000, 3_600_000_000] {
                        let counted = HistogramRequest(search: search, intervalMicroseconds: interval, by: field)
                        var read = counted
                        read.search = scanned
                        #expect(
                            Histogram(rows: try await store.histogramRows(counted), request: counted)
                                == Histogram(rows: try await store.histogramRows(read), request: read),
                            "\(start) \(String(describing: field)) \(interval)")
                    }
                }
                for fields: [AnalyticsField] in [[.service, .level], [.level], [.service]] {
                    for descending in [true, false] {
                        let counted = GroupByRequest(search: search, fields: fields, limit: 7, descending: descending)
                        var read = counted
                        read.search = scanned
                        let expected = try await store.groupCounts(read)
                        let actual = try await store.groupCounts(counted)
                        #expect(actual.total == expected.total, "\(start) \(fields)")
                        #expect(actual.groups == expected.groups, "\(start) \(fields) \(descending)")
                    }
                }
            }
        }
    }

    @Test("group-by counts equal counts done independently, in order, with other", arguments: StoreKind.allCases)
    func groupBy_matchesIndependentCounts(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let tenant = uniqueTenant()
            let records = Self.records(tenant: tenant)
            try await store.insert(records)
            let fields: [AnalyticsField] = [.service, .level, .attribute("zone")]
            var expected: [[String?]: Int] = [:]
            for record in records {
                let zone: String? = if case .string(let zone) = record.attributes["zone"] { zone } else { nil }
                expected[[record.service, record.level.rawValue, zone], default: 0] += 1
            }
            for descending in [true, false] {
                let request = GroupByRequest(
                    search: SearchRequest(tenant: tenant), fields: fields, limit: 20, descending: descending)
                let counts = try await store.groupCounts(request)
                #expect(counts.total == records.count)
                #expect(counts.groups.count == 20)
                for group in counts.groups { #expect(group.count == expected[group.keys], "\(group.keys)") }
                let sorted = counts.groups.map(\.count)
                #expect(sorted == (descending ? sorted.sorted(by: >) : sorted.sorted()))
                let ranked = expected.values.sorted(by: descending ? (>) : (<))
                #expect(sorted == Array(ranked.prefix(20)))
                #expect(counts.other == records.count - sorted.reduce(0, +))
            }
        }
    }

    /// Seeded access-log records over about six hours: six paths of five routes, two methods, some
    /// without a duration and some of 0 ms.
    static func accessRecords(tenant: String) -> [LogRecord] {
        var generator = SeededGenerator(seed: 19)
        let paths = [
            "/users/123", "/users/456", "/orders/0f8fad5b-d9cb-469f-a165-70867728950e/items", "/health",
            "/blobs/9f1c2a7e44", "/blobs/latest",
        ]
        return (0..<600).map { index in
            var attributes: [String: JSONValue] = [
                "http.method": .string(index % 7 == 0 ? "POST" : "GET"),
                "http.path": .string(paths.randomElement(using: &generator)!),
                "http.status": .integer([200, 200, 404, 500, 503].randomElement(using: &generator)!),
            ]
            if index % 5 != 0 {
                attributes["duration_ms"] = .double(Double(Int.random(in: 0...5000, using: &generator)) / 10)
            }
            return makeRecord("request \(index)", tenant: tenant, second: Int64(index) * 37, attributes: attributes)
        }
    }

    @Test(
        "endpoints: routes grouped by ID segments, requests, 5xx and percentiles as percentile_cont computes them (PostgreSQL's whole hours within 1%, from rollups)",
        arguments: StoreKind.allCases)
    func endpoints_matchIndependentPercentiles(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let tenant = uniqueTenant()
            let records = Self.accessRecords(tenant: tenant)
            try await store.insert(records)
            let endpoints = try await store.endpoints(
                EndpointsRequest(search: SearchRequest(tenant: tenant), limit: 20))
            #expect(
                Set(endpoints.map(\.route)) == [
                    "/users/{id}", "/orders/{id}/items", "/health", "/blobs/{id}", "/blobs/latest",
                ])
            #expect(endpoints.map(\.requests) == endpoints.map(\.requests).sorted(by: >))
            #expect(endpoints.reduce(0) { $0 + $1.requests } == records.count)
            for endpoint in endpoints {
                let matching = records.filter { record in
                    guard case .string(let method) = record.attributes["http.method"],
                        case .string(let path) = record.attributes["http.path"]
                    else { return false }
                    return method == endpoint.method
                        && path.replacingOccurrences(
                            of: #"/(\d+|[0-9a-f]{8}-[0-9a-f-]{27}|[0-9a-f]*\d[0-9a-f]*)(?=/|$)"#,
                            with: "/{id}", options: .regularExpression) == endpoint.route
                }
                #expect(endpoint.requests == matching.count, "\(endpoint.route)")
                #expect(
                    endpoint.errors
                        == matching.count {
                            if case .integer(let s) = $0.attributes["http.status"] { s >= 500 } else { false }
                        })
                let durations = matching.compactMap { record -> Double? in
                    if case .double(let value) = record.attributes["duration_ms"] { value } else { nil }
                }.sorted()
                for (percent, measured) in [(0.5, endpoint.p50), (0.95, endpoint.p95), (0.99, endpoint.p99)] {
                    let position = percent * Double(durations.count - 1)
                    let low = durations[Int(position)]
                    let high = durations[min(Int(position) + 1, durations.count - 1)]
                    let expected = low + (high - low) * (position - Double(Int(position)))
                    let tolerance = kind == .postgres ? expected * 0.01 + 1e-9 : 1e-6
                    #expect(abs((measured ?? -1) - expected) <= tolerance, "\(endpoint.route) p\(percent)")
                }
            }
        }
    }

    @Test(
        "endpoints over ranges that start and end inside an hour, before and after a delete, equal those of a query matching every request (PostgreSQL reads whole hours from endpoint_latency, a query reads the records): counts exactly, percentiles within 1%",
        arguments: StoreKind.allCases)
    func rolledUpEndpoints_matchScannedEndpoints(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let tenant = uniqueTenant()
            let records = Self.accessRecords(tenant: tenant)
            try await store.insert(records)
            let everything = try QueryParser.parse("request")
            let start = records[0].timestamp
            let ranges: [(Int64, Int64)] = [(-1, 30_000), (1_234, 20_000), (3_599, 7_201), (100, 200)]
            for deleted in [false, true] {
                if deleted {
                    let removed = try await store.delete(
                        matching: SearchRequest(
                            tenant: tenant, query: try QueryParser.parse("http.path:/users/*"),
                            start: start.adding(microseconds: 3_000_000_000)))
                    #expect(removed > 0)
                }
                for (from, to) in ranges {
                    let search = SearchRequest(
                        tenant: tenant, start: start.adding(microseconds: from * 1_000_000),
                        end: start.adding(microseconds: to * 1_000_000))
                    var scanned = search
                    scanned.query = everything
                    let rolledUp = try await store.endpoints(EndpointsRequest(search: search, limit: 4))
                    let expected = try await store.endpoints(EndpointsRequest(search: scanned, limit: 4))
                    #expect(rolledUp.count == expected.count, "\(from) \(deleted)")
                    for (actual, wanted) in zip(rolledUp, expected) {
                        #expect(
                            [actual.method, actual.route, "\(actual.requests)", "\(actual.errors)"]
                                == [wanted.method, wanted.route, "\(wanted.requests)", "\(wanted.errors)"],
                            "\(from) \(deleted)")
                        for (measured, exact) in [
                            (actual.p50, wanted.p50), (actual.p95, wanted.p95), (actual.p99, wanted.p99),
                        ] {
                            #expect(
                                abs((measured ?? -1) - (exact ?? -1)) <= (exact ?? 0) * 0.01 + 1e-9,
                                "\(from) \(deleted)")
                        }
                    }
                }
            }
        }
    }
}
