import Foundation
import LogModel
import LogQuery
import Logging
import ServiceLifecycle
import Stores
import Tailing
import Testing

/// Live tails over every store's commit feed: what a tail receives, in which order, after a
/// resumption, when its reader is slow, and the per-tenant limit.
@Suite("Tail hub")
struct TailHubTests {
    @Test(
        "a tail gets its tenant's matching records in commit order, never another tenant's",
        arguments: StoreKind.allCases)
    func tail_getsMatchingRecordsInOrder(kind: StoreKind) async throws {
        try await withHub(kind) { hub, store in
            let tenant = uniqueTenant()
            let tail = try await hub.open(tenant: tenant, query: try QueryParser.parse("level:error"))
            defer { tail.close() }
            let batches = (0..<3).map { batch in
                (0..<5).map {
                    makeRecord(
                        "b\(batch) r\($0)", tenant: tenant, second: Int64(-$0), level: $0 % 2 == 0 ? .error : .info)
                }
            }
            try await store.insert([makeRecord("x", tenant: uniqueTenant(), level: .error)] + batches[0])
            try await store.insert(batches[1])
            try await store.insert(batches[2])
            let received = try await receive(from: tail, count: 9)
            #expect(received.map(\.message) == batches.joined().filter { $0.level == .error }.map(\.message))
        }
    }

    @Test("a tail resumed after a record it was sent continues exactly after it", arguments: StoreKind.allCases)
    func resumedTail_continuesExactly(kind: StoreKind) async throws {
        try await withHub(kind) { hub, store in
            let tenant = uniqueTenant()
            let first = try await hub.open(tenant: tenant, query: .all)
            let records = (0..<12).map { makeRecord("r\($0)", tenant: tenant, second: Int64(12 - $0)) }
            try await store.insert(Array(records[0..<4]))
            let seen = try await receive(from: first, count: 4)
            first.close()
            try await store.insert(Array(records[4..<8]))
            try await store.insert(Array(records[8...]))
            let resumed = try await hub.open(tenant: tenant, query: .all, resumingAfter: seen[1].id)
            defer { resumed.close() }
            #expect(resumed.resumedExactly)
            let rest = try await receive(from: resumed, count: 10)
            #expect(rest.map(\.message) == records[2...].map(\.message))
        }
    }

    @Test(
        "a tail that is not read drops the oldest batches past its bound and says how many",
        arguments: StoreKind.allCases)
    func slowTail_dropsAndCounts(kind: StoreKind) async throws {
        try await withHub(kind, settings: .init(bufferRecords: 200)) { hub, store in
            let tenant = uniqueTenant()
            let tail = try await hub.open(tenant: tenant, query: .all)
            let witness = try await hub.open(tenant: tenant, query: .all)
            defer { tail.close() }
            defer { witness.close() }
            var last: [LogRecord] = []
            for batch in 0..<5 {
                last = (0..<100).map { makeRecord("b\(batch) r\($0)", tenant: tenant) }
                try await store.insert(last)
            }
            // A second tail read meanwhile: once it has the last record, the hub has handed every batch
            // to the first one too.
            var witnessed: [LogRecord] = []
            while witnessed.last?.id != last.last?.id {
                for event in try #require(try await witness.next(heartbeat: .seconds(10))) {
                    guard event != .heartbeat else { Issue.record("the last batch never came"); return }
                    if case .records(let records) = event { witnessed += records }
                }
            }
            let events = try #require(try await tail.next(heartbeat: .seconds(5)))
            #expect(events.first == .dropped(300))
            guard case .records(let records) = events.last else {
                Issue.record("no records after the dropped count: \(events)")
                return
            }
            #expect(records.count == 200)
            #expect(records.suffix(100).map(\.id) == last.map(\.id))
        }
    }

    @Test("a tenant opens at most its limit of tails; closing one makes room", arguments: [StoreKind.sqlite])
    func tails_areLimitedPerTenant(kind: StoreKind) async throws {
        try await withHub(kind, settings: .init(perTenant: 2)) { hub, _ in
            let tenant = uniqueTenant()
            let first = try await hub.open(tenant: tenant, query: .all)
            let second = try await hub.open(tenant: tenant, query: .all)
            await #expect(throws: TailRefused.tooManyTails(limit: 2)) {
                _ = try await hub.open(tenant: tenant, query: .all)
            }
            let elsewhere = try await hub.open(tenant: uniqueTenant(), query: .all)
            first.close()
            let third = try await hub.open(tenant: tenant, query: .all)
            for tail in [second, elsewhere, third] { tail.close() }
        }
    }

    @Test("a heartbeat comes when nothing is committed", arguments: [StoreKind.sqlite])
    func idleTail_beats(kind: StoreKind) async throws {
        try await withHub(kind) { hub, _ in
            let tail = try await hub.open(tenant: uniqueTenant(), query: .all)
            defer { tail.close() }
            #expect(try await tail.next(heartbeat: .milliseconds(50)) == [.heartbeat])
        }
    }

    /// The records of the next events until `count` arrived (at most 10 s).
    private func receive(from tail: Tail, count: Int) async throws -> [LogRecord] {
        var received: [LogRecord] = []
        let deadline = ContinuousClock.now + .seconds(10)
        while received.count < count, ContinuousClock.now < deadline {
            for event in try await tail.next(heartbeat: .seconds(1)) ?? [] {
                if case .records(let records) = event { received += records }
            }
        }
        return received
    }
}

/// A running hub over a running store of the kind.
private func withHub(
    _ kind: StoreKind, settings: TailHub.Settings = .init(),
    _ body: @Sendable (TailHub, any CommitFeed & LogStore) async throws -> Void
) async throws {
    try await withCommitFeed(kind) { store in
        let hub = TailHub(store: store, settings: settings, logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await hub.run() }
            defer { group.cancelAll() }
            try await body(hub, store)
        }
    }
}
