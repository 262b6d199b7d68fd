import Instrumentation
public import LogModel
public import ServiceLifecycle
public import Stores
public import Telemetry
import Tracing

/// Coalesces concurrent ingest requests into one store insert per batch (group commit).
///
/// Each ``submit(_:bytes:)`` waits until the batch holding its records is committed, so a caller that
/// returns normally may acknowledge its records as durable, all but those it names as refused by the
/// ``AttributeKeyGate`` that every submission passes first. A flush starts when records are waiting,
/// fewer than `maxConcurrentFlushes` flushes are running, and either the batch is full or `linger`
/// has passed; requests that arrive meanwhile form the next batch. The queue is bounded in records,
/// in all and per tenant: past either bound, ``submit(_:bytes:)`` fails at once with
/// ``IngestUnavailable/queueFull`` instead of waiting, so a tenant that floods the writer leaves room
/// for the others. A batch takes the tenants' submissions in turn (each tenant's oldest first), so a
/// tenant with one request waiting is served in the next flush however much another has queued. On
/// graceful shutdown the writer stops taking work, commits what it holds, waits for the flushes
/// running, and returns.
///
/// Each flush is an `ingest.flush` span: a child of the first request it serves, linked to the
/// others, with the batch's size in requests, records and bytes; the insert's span is its child.
public actor GroupCommitWriter<Store: LogStore, WriterClock: Clock<Duration>>: Service {
    /// Sizes and timings of the writer.
    public struct Configuration: Sendable {
        /// Largest number of records in one insert. Default 5,000.
        public var maxBatchRecords: Int
        /// Largest number of records waiting to be written. Default 100,000.
        public var maxQueuedRecords: Int
        /// Largest number of one tenant's records waiting to be written. Default half of
        /// ``maxQueuedRecords``.
        public var maxQueuedRecordsPerTenant: Int
        /// How long a partial batch waits for more records before it is flushed. Default 2 ms.
        public var linger: Duration
        /// Most batches being inserted at once. Default 1. More than one suits a store whose inserts run
        /// in parallel (PostgreSQL's indexes of one batch take one core).
        public var maxConcurrentFlushes: Int

        /// Creates a configuration.
        public init(
            maxBatchRecords: Int = 5000, maxQueuedRecords: Int = 100_000, maxQueuedRecordsPerTenant: Int? = nil,
            linger: Duration = .milliseconds(2), maxConcurrentFlushes: Int = 1
        ) {
            self.maxBatchRecords = maxBatchRecords
            self.maxQueuedRecords = maxQueuedRecords
            self.maxQueuedRecordsPerTenant = maxQueuedRecordsPerTenant ?? max(1, maxQueuedRecords / 2)
            self.linger = linger
            self.maxConcurrentFlushes = max(1, maxConcurrentFlushes)
        }
    }

    private struct Submission {
        var tenant: String
        var records: [LogRecord]
        var bytes: Int
        var context: ServiceContext
        var continuation: CheckedContinuation<Void, any Error>
    }

    private let store: Store
    /// The gate every submission passes first, if any.
    public nonisolated let attributeKeys: AttributeKeyGate?
    /// What gives each record that passed the gate its pattern, if anything.
    public nonisolated let patterns: PatternAssigner?
    private let clock: WriterClock
    private let configuration: Configuration
    private let tracer: SpanTracer
    private let metrics: ServiceMetrics?
    private var queue: [Submission] = []
    private var queuedRecords = 0
    private var queuedByTenant: [String: Int] = [:]
    private var flushing = 0
    private var accepting = true
    private var waiting: CheckedContinuation<Void, Never>?

    /// Creates a writer over a store; with `attributeKeys`, records past their tenant's budget of
    /// attribute keys are refused; with `patterns`, records are given patterns; with `observability`,
    /// flushes are traced and measured.
    public init(
        store: Store, configuration: Configuration = .init(), clock: WriterClock,
        attributeKeys: AttributeKeyGate? = nil, patterns: PatternAssigner? = nil, observability: Observability? = nil
    ) {
        self.store = store
        self.attributeKeys = attributeKeys
        self.patterns = patterns
        self.configuration = configuration
        self.clock = clock
        self.tracer = observability?.tracer ?? .idsOnly
        self.metrics = observability?.metrics
    }

    /// Number of records waiting to be written.
    public var depth: Int { queuedRecords }

    /// Queues records of one tenant (`bytes` is the size of the request they came in, for the flush
    /// span) and waits until they are committed.
    /// - Returns: the positions of the records the attribute-key gate refused; every other record is
    ///   committed.
    /// - Throws: ``IngestUnavailable`` when the queue is full or the writer is shutting down; the
    ///   store's error when the insert (or the gate) failed. In every error case none of the records
    ///   was committed.
    @discardableResult
    public func submit(_ records: [LogRecord], bytes: Int = 0) async throws -> Set<Int> {
        guard !records.isEmpty else { return [] }
        guard accepting else { throw IngestUnavailable.shuttingDown }
        let refused = try await attributeKeys?.refused(records) ?? []
        let passed = records.removing(positions: refused)
        guard !passed.isEmpty else { return refused }
        let records = try await patterns?.assign(passed) ?? passed
        guard accepting else { throw IngestUnavailable.shuttingDown }
        let tenant = records[0].tenant
        guard queuedRecords + records.count <= configuration.maxQueuedRecords,
            queuedByTenant[tenant, default: 0] + records.count <= configuration.maxQueuedRecordsPerTenant
        else { throw IngestUnavailable.queueFull }
        let context = ServiceContext.current ?? .topLevel
        try await withCheckedThrowingContinuation { continuation in
            queue.append(
                Submission(tenant: tenant, records: records, bytes: bytes, context: context, continuation: continuation)
            )
            queuedRecords += records.count
            queuedByTenant[tenant, default: 0] += records.count
            metrics?.queueDepth(queuedRecords)
            wakeFlushLoop()
        }
        return refused
    }

    /// Flushes batches until graceful shutdown, then drains the queue and returns.
    public func run() async throws {
        await withGracefulShutdownHandler {
            await flushLoop()
        } onGracefulShutdown: {
            Task { await self.stopAccepting() }
        }
    }

    private func stopAccepting() {
        accepting = false
        wakeFlushLoop()
    }

    private func wakeFlushLoop() {
        waiting?.resume()
        waiting = nil
    }

    /// Starts flushes while there is work and a free slot; on shutdown, returns once the queue is
    /// empty and every flush has finished.
    private func flushLoop() async {
        await withDiscardingTaskGroup { flushes in
            while true {
                if queue.isEmpty {
                    guard accepting, !Task.isCancelled else {
                        accepting = false
                        return
                    }
                    await withTaskCancellationHandler {
                        await withCheckedContinuation { waiting = $0 }
                    } onCancel: {
                        Task { await self.stopAccepting() }
                    }
                    continue
                }
                if flushing >= configuration.maxConcurrentFlushes {
                    await withCheckedContinuation { waiting = $0 }
                    continue
                }
                if accepting, (queuedRecords < configuration.maxBatchRecords), configuration.linger > .zero {
                    try? await clock.sleep(for: configuration.linger)
                }
                let batch = takeBatch()
                flushing += 1
                flushes.addTask {
                    await self.flush(batch)
                    await self.flushFinished()
                }
            }
        }
    }

    private func flushFinished() {
        flushing -= 1
        wakeFlushLoop()
    }

    /// Takes whole submissions up to the batch size (at least one), the tenants in turn: the oldest
    /// submission of each tenant in the order of their oldest, then the second oldest of each, and so
    /// on, until the next one would not fit.
    private func takeBatch() -> [Submission] {
        var positions: [String: [Int]] = [:]
        var tenants: [String] = []
        for (position, submission) in queue.enumerated() {
            if positions[submission.tenant] == nil { tenants.append(submission.tenant) }
            positions[submission.tenant, default: []].append(position)
        }
        var taken: [Int] = []
        var count = 0
        var round = 0
        fill: while true {
            var tookAny = false
            for tenant in tenants {
                guard let position = positions[tenant]?.dropFirst(round).first else { continue }
                let size = queue[position].records.count
                guard taken.isEmpty || count + size <= configuration.maxBatchRecords else { break fill }
                taken.append(position)
                count += size
                tookAny = true
            }
            guard tookAny else { break }
            round += 1
        }
        let batch = taken.map { queue[$0] }
        let takenPositions = Set(taken)
        queue = queue.indices.filter { !takenPositions.contains($0) }.map { queue[$0] }
        for submission in batch {
            queuedByTenant[submission.tenant, default: 0] -= submission.records.count
            if queuedByTenant[submission.tenant] == 0 { queuedByTenant[submission.tenant] = nil }
        }
        queuedRecords -= count
        metrics?.queueDepth(queuedRecords)
        return batch
    }

    /// Inserts a batch; when the combined insert fails, each submission is retried on its own so
    /// that one bad request cannot fail the others.
    private func flush(_ batch: [Submission]) async {
        let records = batch.reduce(0) { $0 + $1.records.count }
        let span = tracer.startSpan("ingest.flush", context: batch[0].context, ofKind: .internal)
        span.updateAttributes { attributes in
            attributes["logsmith.batch.requests"] = batch.count
            attributes["logsmith.batch.records"] = records
            attributes["logsmith.batch.bytes"] = batch.reduce(0) { $0 + $1.bytes }
        }
        for other in batch.dropFirst() { span.addLink(SpanLink(context: other.context, attributes: [:])) }
        let start = ContinuousClock.now
        let failures = await ServiceContext.$current.withValue(span.context) { await insert(batch) }
        metrics?.batchFlushed(records: records, duration: ContinuousClock.now - start)
        if failures > 0 {
            span.attributes["logsmith.batch.failed_requests"] = failures
            span.setStatus(SpanStatus(code: .error, message: "\(failures) of \(batch.count) requests failed"))
        }
        span.end()
    }

    /// Inserts the batch and answers every submission; returns how many of them failed.
    private func insert(_ batch: [Submission]) async -> Int {
        do {
            try await store.insert(batch.flatMap(\.records))
            for submission in batch { submission.continuation.resume() }
            return 0
        } catch {
            guard batch.count > 1 else {
                batch[0].continuation.resume(throwing: error)
                return 1
            }
            var failures = 0
            for submission in batch {
                do {
                    try await store.insert(submission.records)
                    submission.continuation.resume()
                } catch {
                    failures += 1
                    submission.continuation.resume(throwing: error)
                }
            }
            return failures
        }
    }
}

/// Why the writer refused records without trying to store them.
public enum IngestUnavailable: Error, Sendable, Hashable {
    /// More records are waiting than the queue holds; retry shortly.
    case queueFull
    /// The service is shutting down.
    case shuttingDown
}
