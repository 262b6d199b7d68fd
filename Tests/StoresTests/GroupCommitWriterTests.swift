import LogModel
import Logging
import ServiceLifecycle
import Stores
import Synchronization
import Testing

/// The group-commit writer over a real SQLite store.
@Suite("GroupCommitWriter")
struct GroupCommitWriterTests {
    @Test("concurrent submissions are all committed in fewer inserts than submissions")
    func submit_concurrentRequests_coalesceIntoBatches() async throws {
        try await withStore(.sqlite) { store in
            let counting = CountingStore(base: store)
            let writer = GroupCommitWriter(store: counting, clock: ContinuousClock())
            let tenant = uniqueTenant()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await writer.run() }
                try await withThrowingTaskGroup(of: Void.self) { clients in
                    for client in 0..<64 {
                        clients.addTask {
                            try await writer.submit((0..<5).map { makeRecord("c\(client) r\($0)", tenant: tenant) })
                        }
                    }
                    try await clients.waitForAll()
                }
                group.cancelAll()
            }
            let page = try await store.search(SearchRequest(tenant: tenant, limit: 1000))
            #expect(page.records.count == 320)
            #expect(counting.inserts.withLock { $0 } < 64)
        }
    }

    @Test("a full queue refuses at once, committing nothing of the refused request")
    func submit_queueFull_throwsQueueFull() async throws {
        try await withStore(.sqlite) { store in
            let writer = GroupCommitWriter(
                store: CountingStore(base: store), configuration: .init(maxQueuedRecords: 10), clock: ContinuousClock())
            let tenant = uniqueTenant()
            await #expect(throws: IngestUnavailable.queueFull) {
                try await writer.submit((0..<11).map { makeRecord("r\($0)", tenant: tenant) })
            }
            let stored = try await store.search(SearchRequest(tenant: tenant)).records
            #expect(stored.isEmpty)
        }
    }

    @Test("graceful shutdown commits what is queued, then refuses new work")
    func run_gracefulShutdown_drainsQueue() async throws {
        try await withStore(.sqlite) { store in
            let writer = GroupCommitWriter(store: CountingStore(base: store), clock: ContinuousClock())
            let tenant = uniqueTenant()
            let group = ServiceGroup(
                configuration: .init(services: [writer], logger: .init(label: "test")))
            async let running: Void = try group.run()
            try await writer.submit([makeRecord("before shutdown", tenant: tenant)])
            await group.triggerGracefulShutdown()
            try await running
            await #expect(throws: IngestUnavailable.shuttingDown) {
                try await writer.submit([makeRecord("after shutdown", tenant: tenant)])
            }
            #expect(try await store.search(SearchRequest(tenant: tenant)).records.map(\.message) == ["before shutdown"])
        }
    }
}

/// A real store that also counts its insert calls.
final class CountingStore: LogStore {
    let base: any LogStore
    let inserts = Mutex(0)

    init(base: any LogStore) { self.base = base }

    func run() async throws {}
    func migrate() async throws { try await base.migrate() }
    func insert(_ records: [LogRecord]) async throws {
        inserts.withLock { $0 += 1 }
        try await base.insert(records)
    }
    func search(_ request: SearchRequest) async throws -> SearchPage { try await base.search(request) }
    func record(tenant: String, id: String) async throws -> LogRecord? { try await base.record(tenant: tenant, id: id) }
    func correlated(tenant: String, id: String, limit: Int) async throws -> [LogRecord] {
        try await base.correlated(tenant: tenant, id: id, limit: limit)
    }
    func stats(_ request: SearchRequest) async throws -> LogStats { try await base.stats(request) }
    func delete(tenant: String, id: String) async throws -> Bool { try await base.delete(tenant: tenant, id: id) }
    func delete(matching request: SearchRequest) async throws -> Int { try await base.delete(matching: request) }
    func ping() async throws { try await base.ping() }
}
