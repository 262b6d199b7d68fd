public import LogModel
public import Logging
public import ServiceLifecycle
public import Stores
public import Telemetry

/// Removes records past their tenant's retention, every ``Settings/interval`` (the first run a minute
/// after start at most, once migrations are done), once across every replica sharing the database
/// (``JobElection``).
///
/// A run first drops the storage that holds only records older than the longest retention of any
/// tenant, plus a day of margin for replicas whose view of the settings is a little behind
/// (``RetentionStore/dropStorage(before:)``: PostgreSQL's daily partitions), then deletes each
/// tenant's records past its own retention in batches of ``Settings/batchRecords``, so no statement
/// holds locks for long. Records and bytes removed are counted in the metrics, by method.
public struct RetentionJob<Store: RetentionStore & JobElection>: Service {
    /// How often and in what steps the job works.
    public struct Settings: Sendable {
        /// Time between runs.
        public var interval: Duration
        /// Most records one delete statement removes.
        public var batchRecords: Int

        /// Creates settings.
        public init(interval: Duration, batchRecords: Int) {
            self.interval = interval
            self.batchRecords = batchRecords
        }
    }

    /// The name the job is elected under.
    public static var jobName: String { "retention" }

    private let store: Store
    private let retentions: TenantRetentions
    private let settings: Settings
    private let metrics: ServiceMetrics
    private let logger: Logger

    /// Creates the job.
    public init(
        store: Store, retentions: TenantRetentions, settings: Settings, metrics: ServiceMetrics, logger: Logger
    ) {
        self.store = store
        self.retentions = retentions
        self.settings = settings
        self.metrics = metrics
        self.logger = logger
    }

    /// Runs once `min(interval, 1 minute)` after start and then every interval, until graceful
    /// shutdown; a failed run is logged and counted, and the next one tries again.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            try? await Task.sleep(for: min(settings.interval, .seconds(60)))
            while !Task.isCancelled {
                do {
                    _ = try await runOnce(now: .now())
                } catch is CancellationError {
                    return
                } catch {
                    metrics.retentionRun(outcome: "failed")
                    logger.error("retention run failed", metadata: .describing(error))
                }
                try? await Task.sleep(for: settings.interval)
            }
        }
    }

    /// One run as of `now`; nil when another process or task is running the job.
    public func runOnce(now: Timestamp) async throws -> RetentionReport? {
        let report = try await store.runExclusively(Self.jobName) { [self] in
            try await remove(now: now)
        }
        guard let report else {
            metrics.retentionRun(outcome: "skipped")
            return nil
        }
        metrics.retentionRun(outcome: "completed")
        metrics.retentionRemoved(method: "drop", records: report.dropped.records, bytes: report.dropped.bytes)
        metrics.retentionRemoved(method: "delete", records: report.deleted.records, bytes: report.deleted.bytes)
        if report != RetentionReport() {
            logger.info(
                "retention run removed records",
                metadata: [
                    "retention.dropped.records": "\(report.dropped.records)",
                    "retention.dropped.bytes": "\(report.dropped.bytes)",
                    "retention.deleted.records": "\(report.deleted.records)",
                    "retention.deleted.bytes": "\(report.deleted.bytes)",
                ])
        }
        return report
    }

    private func remove(now: Timestamp) async throws -> RetentionReport {
        let days = try await retentions.current()
        let longest = max(days.values.max() ?? 0, retentions.defaultDays)
        var report = RetentionReport()
        report.dropped = try await store.dropStorage(before: Self.instant(daysBefore: longest + 1, now))
        for (tenant, tenantDays) in days.sorted(by: { $0.key < $1.key }) {
            let cutoff = Self.instant(daysBefore: tenantDays, now)
            while true {
                try Task.checkCancellation()
                let batch = try await store.deleteRecords(tenant: tenant, before: cutoff, limit: settings.batchRecords)
                report.deleted += batch
                if batch.records < settings.batchRecords { break }
            }
        }
        return report
    }

    private static func instant(daysBefore days: Int, _ now: Timestamp) -> Timestamp {
        Timestamp(microseconds: now.microseconds - Int64(days) * 86_400_000_000)
    }
}

/// What one run of the retention job removed.
public struct RetentionReport: Sendable, Hashable {
    /// Removed by dropping whole storage units.
    public var dropped = RemovedRecords()
    /// Removed by batched deletes.
    public var deleted = RemovedRecords()

    /// Creates a report of nothing removed.
    public init() {}
}
