import Foundation
import LogModel
import LogQuery
import Logging
import SQLiteNIO
import Stores
import Testing

/// The embedded store keeps SQLite's planner statistics current, so searches for rare words start
/// from the trigram index instead of walking every row in time order.
@Suite("SQLite planner statistics")
struct SQLitePlannerStatisticsTests {
    @Test("statistics follow the table's growth, and a rare word is looked up through the trigram index")
    func statistics_followGrowth() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("logsmith-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try await SQLiteLogStore.open(directory: directory.path, logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await store.run() }
            defer { group.cancelAll() }
            try await store.migrate()
            let tenant = uniqueTenant()
            for batch in 0..<5 {
                try await store.insert(
                    (0..<1_000).map {
                        makeRecord("ordinary line \($0)", tenant: tenant, second: Int64(batch * 1_000 + $0))
                    })
            }
            try await store.insert([makeRecord("a quokka appeared", tenant: tenant, second: 10_000)])

            let connection = try await SQLiteConnection.open(
                storage: .file(path: directory.appendingPathComponent("logsmith.sqlite").path))
            let stat = try? await connection.query("SELECT stat FROM sqlite_stat1 WHERE idx = 'logs_tenant_ts'")
            let plan = try await connection.query(
                """
                EXPLAIN QUERY PLAN SELECT id FROM logs WHERE tenant = ?1
                AND seq IN (SELECT rowid FROM logs_fts WHERE logs_fts MATCH '"quokka"')
                ORDER BY ts DESC, id DESC LIMIT 101
                """, [.text(tenant)])
            try await connection.close()
            let rows = stat?.first?.column("stat")?.string?.split(separator: " ").first.flatMap { Int($0) } ?? 0
            #expect(rows >= 4_000, "statistics describe \(rows) rows")
            let details = plan.compactMap { $0.column("detail")?.string }
            #expect(details.contains { $0.contains("TEMP B-TREE FOR ORDER BY") }, "\(details)")
            #expect(
                try await store.search(SearchRequest(tenant: tenant, query: QueryParser.parse("quokka"))).records.count
                    == 1)
        }
    }
}
