import InMemoryLogging
import Logging
import Stores
import TestSupport
import Testing

@Suite("PostgreSQL store start")
struct PostgresStartTests {
    @Test("migrating and listening beside the store's starting service wait for its pools, with no warning")
    func noLeaseBeforeThePoolsRun() async throws {
        for _ in 0..<5 {
            let log = InMemoryLogHandler()
            let store = try postgresStore(logger: Logger(label: "test") { _ in log }, indexedSearch: .default)
            try await whileRunning("a store's service", { try await store.run() }) {
                try await whileRunning("a watch of commits", { try await store.watchCommits { _ in } }) {
                    try await store.migrate()
                }
            }
            let warnings = log.entries.filter { $0.level >= .warning }.map { "\($0.message)" }
            #expect(warnings.isEmpty)
        }
    }
}
