import LogModel
import LogQuery
import Stores
import Synchronization
import Testing

/// The commit feed on every store: inserts are announced to every listener, in commit order, with
/// their tenant and IDs, and the announced records are read back by query.
@Suite("Commit feed contract")
struct CommitFeedContractTests {
    @Test("every insert is heard once, in order, with its tenant, IDs and times", arguments: StoreKind.allCases)
    func inserts_areHeardInOrder(kind: StoreKind) async throws {
        try await withCommitFeed(kind) { store in
            let heard = Mutex<[CommittedBatch]>([])
            try await whileWatching(store, { batch in heard.withLock { $0.append(batch) } }) {
                let tenant = uniqueTenant()
                let other = uniqueTenant()
                let first = (0..<250).map { makeRecord("first \($0)", tenant: tenant, second: Int64($0 % 7)) }
                let second = [makeRecord("second", tenant: other, second: 3), makeRecord("third", tenant: tenant)]
                try await store.insert(first)
                try await store.insert(second)
                try await waitUntil("the inserts were not all heard") {
                    heard.withLock { $0.filter { [tenant, other].contains($0.tenant) }.count } == 4
                }
                let ours = heard.withLock { $0.filter { [tenant, other].contains($0.tenant) } }
                #expect(ours.map(\.tenant) == [tenant, tenant, other, tenant])
                #expect(
                    ours.map(\.ids) == [
                        first.prefix(200).map(\.id), first.suffix(50).map(\.id), [second[0].id], [second[1].id],
                    ])
                #expect(ours[0].earliest == baseTime && ours[0].latest == baseTime.adding(microseconds: 6_000_000))
            }
        }
    }

    @Test(
        "announced records are read back by query, in the batches' order, never another tenant's",
        arguments: StoreKind.allCases)
    func announcedRecords_areReadByQuery(kind: StoreKind) async throws {
        try await withCommitFeed(kind) { store in
            let tenant = uniqueTenant()
            let records = (0..<30).map {
                makeRecord("line \($0)", tenant: tenant, second: Int64(30 - $0), service: $0 % 3 == 0 ? "api" : "db")
            }
            let foreign = makeRecord("line foreign", tenant: uniqueTenant(), service: "api")
            try await store.insert(records + [foreign])
            let batches = CommittedBatch.announcing(records + [foreign])
            let read = try await store.records(
                committedIn: batches.filter { $0.tenant == tenant }, tenant: tenant,
                matching: try QueryParser.parse("service:api"))
            #expect(read.map(\.id) == records.filter { $0.service == "api" }.map(\.id))
            let stolen = try await store.records(committedIn: batches, tenant: tenant, matching: .all)
            #expect(!stolen.contains { $0.id == foreign.id })
        }
    }

    @Test("a second pool on the same database hears the first one's inserts")
    func anotherProcess_hearsInserts() async throws {
        try await withTwoPostgresPools { writer, listener in
            let heard = Mutex<[CommittedBatch]>([])
            try await whileWatching(listener, { batch in heard.withLock { $0.append(batch) } }) {
                let record = makeRecord("across", tenant: uniqueTenant())
                try await writer.insert([record])
                try await waitUntil("the other pool did not hear the insert") {
                    heard.withLock { $0.contains { $0.ids == [record.id] } }
                }
            }
        }
    }
}

/// A store of the kind (see ``withStore(_:_:)``) as the commit feed it also is.
func withCommitFeed(
    _ kind: StoreKind, _ body: @Sendable (any CommitFeed & LogStore) async throws -> Void
) async throws {
    try await withStore(kind) { store in
        try await body(try #require(store as? any CommitFeed & LogStore, "\(kind) is no commit feed"))
    }
}

/// Runs `body` while `store`'s commit feed is heard (from `.listening` on), handing each batch to
/// `heard`. A feed that ends before it listens throws its error rather than leaving `body` waiting.
func whileWatching(
    _ store: some CommitFeed, _ heard: @escaping @Sendable (CommittedBatch) -> Void,
    _ body: () async throws -> Void
) async throws {
    let (listening, heardListening) = AsyncStream<Void>.makeStream()
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            defer { heardListening.finish() }
            try await store.watchCommits { event in
                switch event {
                case .listening: heardListening.yield()
                case .committed(let batch): heard(batch)
                }
            }
        }
        defer { group.cancelAll() }
        var waiting = listening.makeAsyncIterator()
        guard await waiting.next() != nil else {
            try await group.next()
            throw StoreError(.unavailable, "the commit feed ended before it listened")
        }
        try await body()
    }
}
