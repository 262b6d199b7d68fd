import Foundation
public import Prometheus

/// Every metric the service exposes at `/metrics`, in one Prometheus registry per process (tests
/// make their own). Names follow Prometheus conventions: `_total` counters, base units in names.
public final class ServiceMetrics: Sendable {
    /// The registry `/metrics` renders.
    public let registry: PrometheusCollectorRegistry
    private let process: ProcessMetrics

    /// Bucket bounds of request durations; every SLO threshold (0.1 s, 0.5 s) is one of them.
    public static let durationBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]
    private static let batchBuckets: [Double] = [1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000]

    /// Creates the metrics, with `logsmith_build_info` set for `version`.
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), version: String) {
        self.registry = registry
        self.process = ProcessMetrics(registry: registry)
        let exported = registry.makeCounter(
            descriptor: Self.name("logsmith_otel_spans_exported_total", "Spans delivered to the OTLP endpoint."))
        let dropped = registry.makeCounter(
            descriptor: Self.name(
                "logsmith_otel_spans_dropped_total", "Spans dropped because the export queue was full."))
        let failed = registry.makeCounter(
            descriptor: Self.name("logsmith_otel_spans_failed_total", "Spans the exporter gave up on after retries."))
        exportCounters = ExportCounters(
            exported: { exported.increment(by: Int64($0)) }, dropped: { dropped.increment(by: Int64($0)) },
            failed: { failed.increment(by: Int64($0)) })
        registry.makeGauge(
            descriptor: Self.name("logsmith_build_info", "Build of the running service; always 1."),
            labels: [("version", version)]
        ).set(1.0)
        // The ingest error-rate SLO divides by a sum that includes this counter: it exists from the start.
        ingestRejected(reason: "invalid", records: 0, protocol: "native")
    }

    /// The Prometheus text exposition of every metric, with process figures read now.
    public func exposition() -> String {
        process.update()
        return registry.emitToString()
    }

    /// Records one served HTTP request.
    public func request(method: String, route: String, status: Int, duration: Duration) {
        registry.makeDurationHistogram(
            descriptor: Self.name(
                "http_server_request_duration_seconds", "Duration of HTTP requests served, by route template."),
            labels: [
                ("http_request_method", method), ("http_route", route), ("http_response_status_code", String(status)),
            ],
            buckets: Self.durationBuckets
        ).record(duration)
    }

    /// Counts records accepted on ingest and their share of the request's bytes; `protocol` is the
    /// way they came (`native` for `POST /api/v1/logs`, `otlp`, `loki`, `elasticsearch`, `upload`,
    /// `syslog`).
    public func ingestAccepted(tenant: String, level: String, records: Int, bytes: Int, protocol: String) {
        let labels = [("tenant", tenant), ("level", level), ("protocol", `protocol`)]
        registry.makeCounter(
            descriptor: Self.name("logsmith_ingest_records_total", "Records accepted and committed."), labels: labels
        ).increment(by: Int64(records))
        registry.makeCounter(
            descriptor: Self.name(
                "logsmith_ingest_bytes_total", "Request body bytes of committed records, shared out by record count."),
            labels: labels
        ).increment(by: Int64(bytes))
    }

    /// Counts records refused on ingest, by reason (`invalid`, `too_old`, `too_far_in_future`,
    /// `rate_limited`, `unavailable`, ...) and the way they came.
    public func ingestRejected(reason: String, records: Int, protocol: String) {
        registry.makeCounter(
            descriptor: Self.name(
                "logsmith_ingest_rejected_records_total", "Records received but not committed, by reason."),
            labels: [("reason", reason), ("protocol", `protocol`)]
        ).increment(by: Int64(records))
    }

    /// Counts syslog messages by transport (`tcp`, `udp`) and outcome: `accepted` (committed),
    /// `rejected` (not a valid record), `oversized`, `dropped` (the inbox or the ingest queue was
    /// full), `framing_error` (a TCP stream broke RFC 6587 framing and was closed).
    public func syslogMessages(transport: String, outcome: String, count: Int) {
        registry.makeCounter(
            descriptor: Self.name("logsmith_syslog_messages_total", "Syslog messages received, by outcome."),
            labels: [("transport", transport), ("outcome", outcome)]
        ).increment(by: Int64(count))
    }

    /// Sets the number of open syslog TCP connections.
    public func syslogConnections(_ count: Int) {
        registry.makeGauge(descriptor: Self.name("logsmith_syslog_connections", "Open syslog TCP connections."))
            .set(Double(count))
    }

    /// Sets the number of open live tails.
    public func tailStreams(_ count: Int) {
        registry.makeGauge(descriptor: Self.name("logsmith_tail_streams", "Open live tails (GET /api/v1/tail)."))
            .set(Double(count))
    }

    /// Counts committed records that live tails skipped because their clients read too slowly.
    public func tailDropped(records: Int) {
        registry.makeCounter(
            descriptor: Self.name(
                "logsmith_tail_dropped_records_total", "Committed records live tails skipped for slow clients.")
        ).increment(by: Int64(records))
    }

    /// Counts one evaluation of an alert rule by result (`ok`, `error`) and records its duration.
    public func alertEvaluation(result: String, duration: Duration) {
        registry.makeCounter(
            descriptor: Self.name("logsmith_alert_evaluations_total", "Evaluations of alert rules, by result."),
            labels: [("result", result)]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: Self.name(
                "logsmith_alert_evaluation_duration_seconds", "Duration of one alert rule's evaluation."),
            buckets: Self.durationBuckets
        ).record(duration)
    }

    /// Sets the number of firing alert instances the evaluating replica knows of (0 on the others).
    public func alertsFiring(_ count: Int) {
        registry.makeGauge(
            descriptor: Self.name(
                "logsmith_alerts_firing", "Alert instances firing, as the evaluating replica saw them.")
        ).set(Double(count))
    }

    /// Sets a standby's replication lag as the store's monitor measured it; unmeasured (the standby
    /// did not answer) is reported as NaN.
    public func replicaLag(standby: String, seconds: Double?) {
        registry.makeGauge(
            descriptor: Self.name(
                "logsmith_store_replica_lag_seconds",
                "How far behind the primary each PostgreSQL standby has replayed, in seconds; NaN when it does not answer."
            ),
            labels: [("standby", standby)]
        ).set(seconds ?? .nan)
    }

    /// Counts one read request served by a standby or, with standbys configured, by the primary.
    public func storeRead(server: String) {
        registry.makeCounter(
            descriptor: Self.name(
                "logsmith_store_reads_total",
                "Read requests by the server that answered them (standby, or primary when none had caught up)."),
            labels: [("server", server)]
        ).increment()
    }

    /// Counts one notification attempt by target kind (`webhook`, `alertmanager`) and result
    /// (`delivered`, `retry`, `failed`).
    public func alertNotification(target: String, result: String) {
        registry.makeCounter(
            descriptor: Self.name(
                "logsmith_alert_notifications_total", "Attempts to notify alert targets, by target kind and result."),
            labels: [("target", target), ("result", result)]
        ).increment()
    }

    /// Counts one run of the retention job by outcome (`completed`, `skipped` when another replica
    /// ran it, `failed`); a completed run also sets the time of the last one.
    public func retentionRun(outcome: String) {
        registry.makeCounter(
            descriptor: Self.name("logsmith_retention_runs_total", "Runs of the retention job, by outcome."),
            labels: [("outcome", outcome)]
        ).increment()
        guard outcome == "completed" else { return }
        registry.makeGauge(
            descriptor: Self.name(
                "logsmith_retention_last_completed_timestamp_seconds",
                "When this replica last completed a retention run, in seconds since the epoch.")
        ).set(Date().timeIntervalSince1970)
    }

    /// Counts records and bytes the retention job removed, by method (`drop` of whole partitions,
    /// batched `delete`).
    public func retentionRemoved(method: String, records: Int, bytes: Int) {
        let labels = [("method", method)]
        registry.makeCounter(
            descriptor: Self.name("logsmith_retention_removed_records_total", "Records removed past retention."),
            labels: labels
        ).increment(by: Int64(records))
        registry.makeCounter(
            descriptor: Self.name(
                "logsmith_retention_removed_bytes_total", "Bytes of storage removed past retention."),
            labels: labels
        ).increment(by: Int64(bytes))
    }

    /// Records one group-commit flush: its size and how long the insert took.
    public func batchFlushed(records: Int, duration: Duration) {
        registry.makeValueHistogram(
            descriptor: Self.name("logsmith_ingest_batch_records", "Records per committed batch."),
            buckets: Self.batchBuckets
        ).record(Double(records))
        registry.makeDurationHistogram(
            descriptor: Self.name("logsmith_ingest_flush_duration_seconds", "Time to commit one batch."),
            buckets: Self.durationBuckets
        ).record(duration)
    }

    /// Sets the number of records waiting for a commit.
    public func queueDepth(_ records: Int) {
        registry.makeGauge(descriptor: Self.name("logsmith_ingest_queue_records", "Records waiting to be committed."))
            .set(Double(records))
    }

    /// Records one database statement's duration by operation (`SELECT`, `INSERT`, ...).
    public func storeQuery(system: String, operation: String, duration: Duration) {
        registry.makeDurationHistogram(
            descriptor: Self.name("logsmith_store_query_duration_seconds", "Duration of database statements."),
            labels: [("db_system", system), ("operation", operation)],
            buckets: Self.durationBuckets
        ).record(duration)
    }

    /// Moves the count of database connections busy with a statement.
    public func storeConnectionsInUse(system: String, change: Double) {
        registry.makeGauge(
            descriptor: Self.name("logsmith_store_connections_in_use", "Database connections running a statement now."),
            labels: [("db_system", system)]
        ).increment(by: change)
    }

    /// Counts requests refused by a rate limit, by the limit's name.
    public func rateLimited(limit: String) {
        registry.makeCounter(
            descriptor: Self.name("logsmith_rate_limited_requests_total", "Requests refused with 429, by limit."),
            labels: [("limit", limit)]
        ).increment()
    }

    /// Counts one cache lookup, by its result.
    public func cacheRequest(_ result: CacheLookup) {
        registry.makeCounter(
            descriptor: Self.name(
                "logsmith_cache_requests_total",
                "Result cache lookups, by result (hit, miss, or bypass while the tenant is written to)."),
            labels: [("result", result.rawValue)]
        ).increment()
    }

    /// Sets the number of entries and bytes the result cache holds (bytes only when known).
    public func cacheSize(entries: Int, bytes: Int?) {
        registry.makeGauge(descriptor: Self.name("logsmith_cache_entries", "Entries in the result cache."))
            .set(Double(entries))
        if let bytes {
            registry.makeGauge(descriptor: Self.name("logsmith_cache_bytes", "Bytes of values in the result cache."))
                .set(Double(bytes))
        }
    }

    /// Counts one failed call to an optional dependency (Redis) by the component that made it.
    public func dependencyFailure(dependency: String, component: String) {
        registry.makeCounter(
            descriptor: Self.name(
                "logsmith_dependency_failures_total", "Failed calls to optional dependencies, which degrade service."),
            labels: [("dependency", dependency), ("component", component)]
        ).increment()
    }

    /// Counters for the span processor: exported, dropped and failed spans. They exist (at zero)
    /// even when nothing is exported, so dashboards and alerts always find them.
    public let exportCounters: ExportCounters

    /// A metric's full name (units included) and its help text.
    static func name(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }
}

/// What a result cache lookup came to.
public enum CacheLookup: String, Sendable {
    /// Answered from the cache.
    case hit
    /// Computed, then stored.
    case miss
    /// Computed and not stored: the tenant was being written to.
    case bypass
}
