import Ingestion
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
            try await submitFromClients(64, to: writer, tenant: tenant)
            let page = try await store.search(SearchRequest(tenant: tenant, limit: 1000))
            #expect(page.records.count == 320)
            #expect(counting.inserts.withLock { $0 } < 64)
        }
    }

    @Test("flushes run in parallel up to the configured number, never more", arguments: [1, 2, 3])
    func submit_concurrentFlushes_boundedByConfiguration(flushes: Int) async throws {
        try await withStore(.sqlite) { store in
            let counting = CountingStore(base: store, holdingInsertsUntil: flushes)
            let writer = GroupCommitWriter(
                store: counting, configuration: .init(maxBatchRecords: 5, maxConcurrentFlushes: flushes),
                clock: ContinuousClock())
            let tenant = uniqueTenant()
            try await submitFromClients(40, to: writer, tenant: tenant)
            #expect(try await store.search(SearchRequest(tenant: tenant, limit: 1000)).records.count == 200)
            let peak: Int = counting.peakInserts.withLock { $0 }
            #expect(peak == flushes)
        }
    }

    @Test("graceful shutdown during flushes lets them finish and commits the queue behind them", arguments: [1, 3])
    func run_gracefulShutdownDuringFlushes_commitsEverySubmission(flushes: Int) async throws {
        try await withStore(.sqlite) { store in
            let counting = CountingStore(base: store, holdingInsertsUntil: .max, atMost: .seconds(10))
            let writer = GroupCommitWriter(
                store: counting, configuration: .init(maxBatchRecords: 2, maxConcurrentFlushes: flushes),
                clock: ContinuousClock())
            let tenant = uniqueTenant()
            let group = ServiceGroup(configuration: .init(services: [writer], logger: .init(label: "test")))
            async let running: Void = try group.run()
            try await withThrowingTaskGroup(of: Void.self) { clients in
                for client in 0..<10 {
                    clients.addTask { try await writer.submit([makeRecord("c\(client)", tenant: tenant)]) }
                }
                try await waitUntil("the writer never had every record queued or in flight") {
                    let inserting: Int = counting.runningInserts.withLock { $0 }
                    let held: Int = counting.heldRecords.withLock { $0 }
                    let queued: Int = await writer.depth
                    return inserting == flushes && held + queued == 10
                }
                await group.triggerGracefulShutdown()
                counting.release()
                try await clients.waitForAll()
            }
            try await running
            #expect(try await store.search(SearchRequest(tenant: tenant)).records.count == 10)
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

    @Test("one tenant's full share of the queue refuses that tenant only")
    func submit_tenantShareFull_refusesOnlyThatTenant() async throws {
        try await withStore(.sqlite) { store in
            let (flooding, other) = (uniqueTenant(), uniqueTenant())
            _ = try await withFirstInsertHeld(store, .init(maxBatchRecords: 5, maxQueuedRecords: 20), tenant: flooding)
            {
                writer, clients in
                for submission in 0..<2 {
                    let records = (0..<5).map { makeRecord("queued \(submission) \($0)", tenant: flooding) }
                    clients.append(Task { try await writer.submit(records) })
                }
                try await waitUntil("the flooding tenant's records were never queued") { await writer.depth == 10 }
                await #expect(throws: IngestUnavailable.queueFull) {
                    try await writer.submit([makeRecord("over the share", tenant: flooding)])
                }
                let others = (0..<5).map { makeRecord("other \($0)", tenant: other) }
                clients.append(Task { try await writer.submit(others) })
                try await waitUntil("the other tenant was refused room") { await writer.depth == 15 }
            }
            #expect(try await store.search(SearchRequest(tenant: flooding, limit: 100)).records.count == 11)
            #expect(try await store.search(SearchRequest(tenant: other, limit: 100)).records.count == 5)
        }
    }

    @Test("a tenant with one request waiting is in the next insert however much another tenant has queued")
    func takeBatch_tenantsInTurn_servesSmallTenantNext() async throws {
        try await withStore(.sqlite) { store in
            let (flooding, other) = (uniqueTenant(), uniqueTenant())
            let counting = try await withFirstInsertHeld(store, .init(maxBatchRecords: 10), tenant: flooding) {
                writer, clients in
                for submission in 0..<6 {
                    let records = (0..<5).map { makeRecord("flood \(submission) \($0)", tenant: flooding) }
                    clients.append(Task { try await writer.submit(records) })
                    try await waitUntil("a flooding request was never queued") {
                        await writer.depth == 5 * (submission + 1)
                    }
                }
                clients.append(Task { try await writer.submit([makeRecord("small", tenant: other)]) })
                try await waitUntil("the small request was never queued") { await writer.depth == 31 }
            }
            let batches = counting.insertedMessages.withLock { $0 }
            #expect(batches.count == 5)
            #expect(batches.dropFirst().first?.contains("small") == true)
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

    /// One insert held and one request queued behind it, so the cancellation finds the writer waiting
    /// for a free flush rather than for work.
    @Test("a writer cancelled while its flushes are busy refuses new work once it has stopped")
    func run_cancelledWhileFlushesBusy_refusesNewWork() async throws {
        try await withStore(.sqlite) { store in
            let counting = CountingStore(base: store, holdingInsertsUntil: .max, atMost: .seconds(30))
            let writer = GroupCommitWriter(store: counting, clock: ContinuousClock())
            let tenant = uniqueTenant()
            let running = Task { try await writer.run() }
            let inFlight = Task { try await writer.submit([makeRecord("in flight", tenant: tenant)]) }
            try await waitUntil("the writer never started the insert") { counting.runningInserts.withLock { $0 } == 1 }
            let queued = Task { try await writer.submit([makeRecord("queued", tenant: tenant)]) }
            try await waitUntil("the second request was never queued") { await writer.depth == 1 }
            running.cancel()
            _ = await (inFlight.result, queued.result)
            try await running.value
            let late = Outcome()
            Task { late.set(await Task { try await writer.submit([makeRecord("late", tenant: tenant)]) }.result) }
            try await waitUntil("a request after the writer stopped was queued instead of refused") {
                late.result != nil
            }
            #expect(throws: IngestUnavailable.shuttingDown) { try late.result?.get() }
        }
    }

    /// Runs a writer over `store` whose inserts wait until `body` has queued what it wants, the first
    /// one holding a record of `tenant`; then lets every insert go, waits for every submission in
    /// `clients`, stops the writer and returns its store.
    func withFirstInsertHeld(
        _ store: any LogStore, _ configuration: GroupCommitWriter<CountingStore, ContinuousClock>.Configuration,
        tenant: String,
        _ body: (GroupCommitWriter<CountingStore, ContinuousClock>, inout [Task<Void, any Error>]) async throws -> Void
    ) async throws -> CountingStore {
        let counting = CountingStore(base: store, holdingInsertsUntil: .max, atMost: .seconds(30))
        let writer = GroupCommitWriter(store: counting, configuration: configuration, clock: ContinuousClock())
        let running = Task { try await writer.run() }
        var clients: [Task<Void, any Error>] = [
            Task { try await writer.submit([makeRecord("in flight", tenant: tenant)]) }
        ]
        try await waitUntil("the writer never started the insert") { counting.runningInserts.withLock { $0 } == 1 }
        try await body(writer, &clients)
        counting.release()
        for client in clients { try await client.value }
        running.cancel()
        try await running.value
        return counting
    }

    /// Runs the writer while `count` clients each submit five records at once, then stops it.
    func submitFromClients<Store: LogStore>(
        _ count: Int, to writer: GroupCommitWriter<Store, ContinuousClock>, tenant: String
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await writer.run() }
            try await withThrowingTaskGroup(of: Void.self) { clients in
                for client in 0..<count {
                    clients.addTask {
                        try await writer.submit((0..<5).map { makeRecord("c\(client) r\($0)", tenant: tenant) })
                    }
                }
                try await clients.waitForAll()
            }
            group.cancelAll()
        }
    }
}

/// The result of a task that may never finish, so that a test can give up waiting for it.
final class Outcome: Sendable {
    private let value = Mutex<Result<Void, any Error>?>(nil)

    var result: Result<Void, any Error>? { value.withLock { $0 } }

    func set(_ result: Result<Void, any Error>) { value.withLock { $0 = result } }
}

/// A real store that also counts its insert calls and how many ran at once.
///
/// With `holdingInsertsUntil` above 1, each insert waits (up to `atMost`) until that many are running
/// or ``release()`` is called before it goes on, so that inserts a writer lets overlap do overlap.
final class CountingStore: LogStore {
    let base: any LogStore
    let holdUntil: Mutex<Int>
    let holdLimit: Duration
    let inserts = Mutex(0)
    let runningInserts = Mutex(0)
    let peakInserts = Mutex(0)
    let heldRecords = Mutex(0)
    /// The messages of each insert, in the order the inserts began.
    let insertedMessages = Mutex<[[String]]>([])

    init(base: any LogStore, holdingInsertsUntil holdUntil: Int = 1, atMost holdLimit: Duration = .seconds(1)) {
        self.base = base
        self.holdUntil = Mutex(holdUntil)
        self.holdLimit = holdLimit
    }

    /// Lets every held insert go on, and every later one go on at once.
    func release() { holdUntil.withLock { $0 = 0 } }

    func run() async throws {}
    func migrate() async throws { try await base.migrate() }
    func insert(_ records: [LogRecord]) async throws {
        inserts.withLock { $0 += 1 }
        insertedMessages.withLock { $0.append(records.map(\.message)) }
        let running: Int = runningInserts.withLock { running in
            running += 1
            return running
        }
        peakInserts.withLock { peak in peak = max(peak, running) }
        defer { runningInserts.withLock { $0 -= 1 } }
        heldRecords.withLock { $0 += records.count }
        let deadline = ContinuousClock.now + holdLimit
        while ContinuousClock.now < deadline {
            let inserting: Int = runningInserts.withLock { $0 }
            let wanted: Int = holdUntil.withLock { $0 }
            if inserting >= wanted { break }
            try await Task.sleep(for: .milliseconds(1))
        }
        heldRecords.withLock { $0 -= records.count }
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
    func histogramRows(_ request: HistogramRequest) async throws -> [HistogramRow] {
        try await base.histogramRows(request)
    }
    func groupCounts(_ request: GroupByRequest) async throws -> GroupCounts { try await base.groupCounts(request) }
    func endpoints(_ request: EndpointsRequest) async throws -> [EndpointStats] { try await base.endpoints(request) }
    func uploadProgress(tenant: String, uploadID: String) async throws -> Int {
        try await base.uploadProgress(tenant: tenant, uploadID: uploadID)
    }
    func oldestTimestamp(tenant: String) async throws -> Timestamp? { try await base.oldestTimestamp(tenant: tenant) }
}
