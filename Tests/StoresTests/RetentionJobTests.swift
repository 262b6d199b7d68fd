import Access
import LogModel
import Logging
import Retention
import Stores
import Telemetry
import Testing

/// The retention job over every store: each tenant keeps its own retention, whole days past the
/// longest go at once, and a second run finds nothing.
@Suite("Retention job")
struct RetentionJobTests {
    @Test(
        "each tenant keeps exactly its retention; storage past the longest is dropped whole",
        arguments: StoreKind.allCases)
    func run_keepsEachTenantsRetention(kind: StoreKind) async throws {
        try await withIsolatedStores(kind) { store, credentials in
            try await Self.checkRetentions(store: store, credentials: credentials, kind: kind)
        }
    }

    private static func checkRetentions(
        store: some LogStore & RetentionStore & JobElection, credentials: any CredentialStore, kind: StoreKind
    ) async throws {
        let (standard, short, long) = ("standard", "short", "long")
        for (name, days) in [(standard, nil), (short, 7), (long, 60)] as [(String, Int?)] {
            _ = try await credentials.createTenant(Tenant(name: name, createdAt: baseTime, retentionDays: days))
        }
        let ages: [Int64] = [100, 45, 20, 3]
        try await store.insert(
            [standard, short, long].flatMap { tenant in
                ages.map { makeRecord("\($0) days old", tenant: tenant, second: -$0 * secondsPerDay + 3_600) }
            })
        let metrics = ServiceMetrics(version: "test")
        let retentions = TenantRetentions(credentials: credentials, defaultDays: 30, implicitTenant: "default")
        let job = RetentionJob(
            store: store, retentions: retentions, settings: .init(interval: .seconds(3600), batchRecords: 1),
            metrics: metrics, logger: Logger(label: "test"))

        let report = try #require(try await job.runOnce(now: baseTime))

        #expect(report.dropped.records + report.deleted.records == 6)
        #expect(report.dropped.records == (kind == .postgres ? 3 : 0))
        #expect(report.deleted.bytes > 0)
        for (tenant, kept) in [(standard, ["3", "20"]), (short, ["3"]), (long, ["3", "20", "45"])] {
            let messages = try await store.search(SearchRequest(tenant: tenant, limit: 10)).records.map(\.message)
            #expect(messages == kept.map { "\($0) days old" }, "tenant \(tenant)")
            let total = try await store.stats(SearchRequest(tenant: tenant)).total
            #expect(total == kept.count, "tenant \(tenant)")
        }
        let again = try await job.runOnce(now: baseTime)
        #expect(again == RetentionReport())
        let exposition = metrics.exposition()
        #expect(exposition.contains(#"logsmith_retention_runs_total{outcome="completed"} 2"#))
        #expect(
            exposition.contains(
                #"logsmith_retention_removed_records_total{method="delete"} \#(report.deleted.records)"#))
    }

    @Test("a run waits for no one: while another holds the job, it is skipped", arguments: StoreKind.allCases)
    func run_skipsWhileAnotherRuns(kind: StoreKind) async throws {
        try await withIsolatedStores(kind) { store, credentials in
            try await Self.checkSkipped(store: store, credentials: credentials)
        }
    }

    private static func checkSkipped(
        store: some LogStore & RetentionStore & JobElection, credentials: any CredentialStore
    ) async throws {
        let metrics = ServiceMetrics(version: "test")
        let job = RetentionJob(
            store: store,
            retentions: TenantRetentions(credentials: credentials, defaultDays: 30, implicitTenant: "default"),
            settings: .init(interval: .seconds(3600), batchRecords: 100), metrics: metrics,
            logger: Logger(label: "test"))
        let skipped = try await store.runExclusively(RetentionJob<SQLiteLogStore>.jobName) {
            try await job.runOnce(now: baseTime) == nil
        }
        #expect(skipped == true)
        #expect(metrics.exposition().contains(#"logsmith_retention_runs_total{outcome="skipped"} 1"#))
    }
}
