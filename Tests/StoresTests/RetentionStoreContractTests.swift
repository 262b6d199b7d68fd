import LogModel
import Logging
import PostgresNIO
import Stores
import TestSupport
import Testing

/// The ``RetentionStore`` and ``JobElection`` contracts, against every implementation.
@Suite("Retention store contract")
struct RetentionStoreContractTests {
    @Test(
        "batched deletes remove a tenant's oldest records before the cutoff, and no one else's",
        arguments: StoreKind.allCases)
    func deleteRecords_removesOldestOfOneTenant(kind: StoreKind) async throws {
        try await withIsolatedStores(kind) { store, _ in
            let (tenant, other) = (uniqueTenant(), uniqueTenant())
            let records = (0..<5).map {
                makeRecord("old \($0)", tenant: tenant, second: Int64($0) * 3_600 - 3 * secondsPerDay)
            }
            try await store.insert(
                records + [
                    makeRecord("recent", tenant: tenant), makeRecord("old", tenant: other, second: -3 * secondsPerDay),
                ])
            let cutoff = baseTime.adding(microseconds: -secondsPerDay * 1_000_000)

            let first = try await store.deleteRecords(tenant: tenant, before: cutoff, limit: 2)
            #expect(first.records == 2)
            #expect(first.bytes > 2 * 40)
            let afterFirst = try await store.search(SearchRequest(tenant: tenant, limit: 10)).records.map(\.message)
            #expect(afterFirst == ["recent", "old 4", "old 3", "old 2"])

            let rest = try await store.deleteRecords(tenant: tenant, before: cutoff, limit: 10)
            #expect(rest.records == 3)
            let none = try await store.deleteRecords(tenant: tenant, before: cutoff, limit: 10)
            #expect(none == RemovedRecords())
            let stats = try await store.stats(SearchRequest(tenant: tenant))
            #expect(stats.total == 1)
            let otherStats = try await store.stats(SearchRequest(tenant: other))
            #expect(otherStats.total == 1)
        }
    }

    @Test("dropping storage removes whole days before the cutoff, counts them, and later days still take records")
    func dropStorage_postgresDropsDays() async throws {
        try await withIsolatedStores(.postgres) { store, _ in
            let (tenant, other) = (uniqueTenant(), uniqueTenant())
            try await store.insert([
                makeRecord("two days ago", tenant: tenant, second: -2 * secondsPerDay),
                makeRecord(
                    "two days ago too", tenant: other, second: -2 * secondsPerDay + 60,
                    attributes: ["http.path": .string("/old"), "duration_ms": .integer(5)]),
                makeRecord(
                    "yesterday", tenant: tenant, second: -secondsPerDay, attributes: ["http.path": .string("/new")]),
                makeRecord("today", tenant: tenant),
            ])
            // Cut at the start of yesterday: only the partition of two days ago lies wholly before it.
            let yesterday = baseTime.adding(microseconds: -secondsPerDay * 1_000_000).floored(
                toMultipleOf: secondsPerDay * 1_000_000)
            let removed = try await store.dropStorage(before: yesterday)
            #expect(removed.records == 2)
            #expect(removed.bytes > 0)
            let left = try await store.search(SearchRequest(tenant: tenant, limit: 10)).records.map(\.message)
            #expect(left == ["today", "yesterday"])
            let stats = try await store.stats(SearchRequest(tenant: tenant))
            #expect(stats.total == 2)
            let otherStats = try await store.stats(SearchRequest(tenant: other))
            #expect(otherStats.total == 0)
            let endpoints = { (tenant: String) in
                try await store.endpoints(EndpointsRequest(search: SearchRequest(tenant: tenant), limit: 5))
            }
            #expect(try await endpoints(other).isEmpty)
            #expect(try await endpoints(tenant).map(\.requests) == [1])
            let again = try await store.dropStorage(before: yesterday)
            #expect(again == RemovedRecords())
            try await store.insert([makeRecord("back two days ago", tenant: tenant, second: -2 * secondsPerDay)])
            #expect(try await store.stats(SearchRequest(tenant: tenant)).total == 3)
        }
    }

    @Test("a partition whose lock is not had within the timeout is left for the next run, not failing it")
    func dropStorage_postgresSkipsLockedPartitions() async throws {
        try await withFreshPostgresDatabase { url in
            let store = PostgresLogStore(configuration: try .init(url: url), logger: Logger(label: "test"))
            let holder = PostgresClient(configuration: try .init(url: url), backgroundLogger: Logger(label: "test"))
            try await running(store) {
                let tenant = uniqueTenant()
                try await store.insert([makeRecord("old", tenant: tenant, second: -2 * secondsPerDay)])
                let cutoff = baseTime.adding(microseconds: -secondsPerDay * 1_000_000)
                try await whileRunning("a PostgreSQL client", { await holder.run() }) {
                    let whileLocked = try await holder.withTransaction(logger: Logger(label: "test")) { connection in
                        try await connection.query(
                            "LOCK TABLE logs IN ACCESS SHARE MODE", logger: Logger(label: "test"))
                        return try await store.dropStorage(before: cutoff)
                    }
                    #expect(whileLocked == RemovedRecords())
                }
                let afterwards = try await store.dropStorage(before: cutoff)
                #expect(afterwards.records == 1)
            }
        }
    }

    @Test("SQLite has no storage to drop: its batches do all the work")
    func dropStorage_sqliteRemovesNothing() async throws {
        try await withIsolatedStores(.sqlite) { store, _ in
            let tenant = uniqueTenant()
            try await store.insert([makeRecord("old", tenant: tenant, second: -10 * secondsPerDay)])
            #expect(try await store.dropStorage(before: baseTime) == RemovedRecords())
            #expect(try await store.stats(SearchRequest(tenant: tenant)).total == 1)
        }
    }

    @Test(
        "a job runs in one place at a time: a second claim is refused until the first ends",
        arguments: StoreKind.allCases)
    func runExclusively_refusesWhileHeld(kind: StoreKind) async throws {
        try await withIsolatedStores(kind) { store, _ in
            let job = "test-\(uniqueTenant())"
            let (entered, enter) = AsyncStream.makeStream(of: Void.self)
            let (release, finish) = AsyncStream.makeStream(of: Void.self)
            try await withThrowingTaskGroup(of: Int?.self) { group in
                group.addTask {
                    try await store.runExclusively(job) {
                        enter.yield()
                        for await _ in release { break }
                        return 1
                    }
                }
                for await _ in entered { break }
                let refused = try await store.runExclusively(job) { 2 }
                #expect(refused == nil)
                let otherJob = try await store.runExclusively(job + "-other") { 3 }
                #expect(otherJob == 3)
                finish.yield()
                #expect(try await group.next() == .some(1))
            }
            let afterwards = try await store.runExclusively(job) { 4 }
            #expect(afterwards == 4)
        }
    }

    @Test(
        "PostgreSQL elects across processes: a second pool on the same database is refused while the first holds the job"
    )
    func runExclusively_postgresAcrossPools() async throws {
        try await withTwoPostgresPools { first, second in
            let secondTry = try await first.runExclusively("retention") {
                try await second.runExclusively("retention") { true }
            }
            #expect(secondTry == .some(nil))
            let afterwards = try await second.runExclusively("retention") { true }
            #expect(afterwards == true)
        }
    }
}
