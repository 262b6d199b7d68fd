import LogModel
import LogQuery
import Logging
import Testing

@testable import Stores

/// The daily partitions of the PostgreSQL log table: their names and bounds, that records land in
/// their day's partition, and that a day inside a monthly partition of an older database needs none.
@Suite("PostgreSQL partitions")
struct PostgresPartitionsTests {
    private func day(_ text: String) throws -> PostgresPartitions.Day {
        PostgresPartitions.Day(try #require(Timestamp(rfc3339: text)))
    }

    @Test("a day is named after its UTC date and bounded by its midnights, before the epoch too")
    func dayNamesAndBounds() throws {
        #expect(try day("2032-02-29T00:00:00Z").tableName == "logs_y2032m02d29")
        #expect(try day("2032-02-29T23:59:59.999999Z") == day("2032-02-29T00:00:00Z"))
        #expect(try day("2032-03-01T00:30:00+01:00").tableName == "logs_y2032m02d29")
        #expect(
            try day("2032-02-29T12:00:00Z").createStatement
                == "CREATE TABLE IF NOT EXISTS logs_y2032m02d29 PARTITION OF logs "
                + "FOR VALUES FROM (to_timestamp(1961625600)) TO (to_timestamp(1961712000))")
        #expect(try day("1969-12-31T23:59:59.999999Z").tableName == "logs_y1969m12d31")
        #expect(try day("9999-12-31T12:00:00Z").adding(days: 1).tableName == "logs_y10000m01d01")
        #expect(try day("1969-12-31T23:59:59Z").start == Timestamp(microseconds: -86_400_000_000))
    }

    @Test("a partition's range is read from its name, for days and for the months of older databases only")
    func rangesFromNames() throws {
        let day = try #require(PostgresPartitions.range(ofPartitionNamed: "logs_y2032m02d29"))
        #expect(
            day.lowerBound == Timestamp(rfc3339: "2032-02-29T00:00:00Z")
                && day.upperBound == Timestamp(rfc3339: "2032-03-01T00:00:00Z"))
        let month = try #require(PostgresPartitions.range(ofPartitionNamed: "logs_y2026m12"))
        #expect(
            month.lowerBound == Timestamp(rfc3339: "2026-12-01T00:00:00Z")
                && month.upperBound == Timestamp(rfc3339: "2027-01-01T00:00:00Z"))
        for name in [
            "logs_y2026m02d30", "logs_y2026m13", "logs_default", "logs_y2026m01d01_old", "users", "logs_y10000m01d01",
        ] {
            #expect(PostgresPartitions.range(ofPartitionNamed: name) == nil, "\(name)")
        }
    }

    @Test("the days records need are those they fall in and the days after, less the days known")
    func missingDays() throws {
        let partitions = PostgresPartitions()
        let times = try ["2032-02-28T23:00:00Z", "2032-02-28T01:00:00Z", "2032-03-01T05:00:00Z"].map {
            try #require(Timestamp(rfc3339: $0))
        }
        #expect(
            partitions.missing(for: times).map(\.tableName) == [
                "logs_y2032m02d28", "logs_y2032m02d29", "logs_y2032m03d01", "logs_y2032m03d02",
            ])
        partitions.markCovered(try day("2032-02-29T00:00:00Z"))
        #expect(partitions.missing(for: times).count == 3)
    }

    @Test("the monthly partitions of an older database are known by name, and hold their whole month")
    func monthlyPartitions() throws {
        let partitions = PostgresPartitions()
        partitions.setMonths(fromPartitionNames: ["logs_y2026m11", "logs_y2026m11d30", "logs_y2026m12", "log_counts"])
        let time = { (text: String) in try #require(Timestamp(rfc3339: text)) }
        #expect(try partitions.monthStart(orSelf: time("2026-11-24T05:00:00Z")) == time("2026-11-01T00:00:00Z"))
        #expect(try partitions.monthStart(orSelf: time("2026-12-31T23:59:59Z")) == time("2026-12-01T00:00:00Z"))
        #expect(try partitions.monthStart(orSelf: time("2027-01-01T00:00:00Z")) == time("2027-01-01T00:00:00Z"))
        #expect(try partitions.monthStart(orSelf: time("2026-10-31T12:00:00Z")) == time("2026-10-31T12:00:00Z"))
    }

    @Test("records land in their day's partition, and in an older database's monthly partition where one holds the day")
    func recordsLandInTheirPartition() async throws {
        let tenant = uniqueTenant()
        let store = try postgresStore(logger: Logger(label: "test"), indexedSearch: .default)
        try await running(store) {
            _ = try await store.execute(
                "CREATE TABLE IF NOT EXISTS logs_y2033m05 PARTITION OF logs "
                    + "FOR VALUES FROM ('2033-05-01 00:00:00+00') TO ('2033-06-01 00:00:00+00')", [])
            let times = [
                "2032-02-28T23:59:59Z", "2032-02-29T00:00:00Z", "2032-03-01T12:00:00Z", "2033-05-10T08:00:00Z",
            ]
            let records = try times.map { text in
                var record = makeRecord("partitioned", tenant: tenant)
                record.timestamp = try #require(Timestamp(rfc3339: text))
                return record
            }
            try await store.insert(records)
            let rows = try await store.execute(
                "SELECT tableoid::regclass::text FROM logs WHERE tenant = $1 ORDER BY ts", [.text(tenant)])
            #expect(
                rows.map { $0.first } == [
                    .text("logs_y2032m02d28"), .text("logs_y2032m02d29"), .text("logs_y2032m03d01"),
                    .text("logs_y2033m05"),
                ])
            let page = try await store.search(SearchRequest(tenant: tenant))
            #expect(page.records.map(\.id) == records.reversed().map(\.id))
            let may10 = try #require(Timestamp(rfc3339: "2033-05-10T08:00:00Z"))
            #expect(store.partitions.monthStart(orSelf: may10) == Timestamp(rfc3339: "2033-05-01T00:00:00Z"))
            let found = try await store.search(
                SearchRequest(tenant: tenant, query: try QueryParser.parse("partitioned")))
            #expect(found.records.map(\.id) == records.reversed().map(\.id))
        }
    }
}
