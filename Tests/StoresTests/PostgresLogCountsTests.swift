import LogModel
import LogQuery
import Logging
import PostgresNIO
import Testing

@testable import Stores

/// `log_counts_hourly` on a database of the previous release: migration 16 counts the hours of the
/// minutes already stored, and the triggers keep both tables exact through inserts and deletes.
@Suite("PostgreSQL log counts")
struct PostgresLogCountsTests {
    @Test("migration 16 counts the hours of the minutes a previous release stored; inserts and deletes keep both exact")
    func migration16_hoursMatchMinutes() async throws {
        let tenant = uniqueTenant()
        let levels: [LogLevel] = [.info, .error, .warn]
        let records = (0..<400).map { (index: Int) -> LogRecord in
            let service: String? = index % 2 == 0 ? "api" : nil
            return makeRecord(
                "r\(index)", tenant: tenant, second: Int64(index * 97 % 36_000), level: levels[index % 3],
                service: service)
        }
        try await withPreviousReleaseDatabase(migratedTo: 15, records: Array(records[..<300])) { url in
            let store = PostgresLogStore(configuration: try .init(url: url), logger: Logger(label: "test"))
            try await running(store) {
                try await store.insert(Array(records[300...]))
                let deleted = try await store.delete(
                    matching: SearchRequest(tenant: tenant, query: try QueryParser.parse("r1*")))
                #expect(deleted == 111)
                let mismatches = try await store.read(
                    """
                    SELECT count(*)::int8 FROM (
                        SELECT tenant, floor(minute / 60.0)::bigint AS hour, service, level, sum(count)::bigint AS count
                        FROM log_counts GROUP BY 1, 2, 3, 4
                    ) AS minutes FULL JOIN log_counts_hourly AS hours USING (tenant, hour, service, level)
                    WHERE minutes.count IS DISTINCT FROM hours.count
                    """, [])
                #expect(mismatches.first?.first == .integer(0))
                let hours = try await store.read("SELECT count(*)::int8 FROM log_counts_hourly", [])
                #expect(hours.first?.first == .integer(60))
                let kept = records.filter { !$0.message.hasPrefix("r1") }
                for (start, end) in [(nil, nil), (3600, 7200), (1800.5, 30_000.25)] as [(Double?, Double?)] {
                    let (from, to) = (
                        start.map { baseTime.adding(microseconds: Int64($0 * 1_000_000)) },
                        end.map { baseTime.adding(microseconds: Int64($0 * 1_000_000)) }
                    )
                    var expected = LogStats.none
                    for record in kept
                    where from.map({ record.timestamp >= $0 }) ?? true && to.map({ record.timestamp < $0 }) ?? true {
                        expected.add(1, level: record.level, service: record.service)
                    }
                    #expect(try await store.stats(SearchRequest(tenant: tenant, start: from, end: to)) == expected)
                }
            }
        }
    }
}
