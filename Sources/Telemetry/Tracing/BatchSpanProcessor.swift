public import ServiceLifecycle
import Synchronization

/// Collects finished spans in a bounded queue and exports them in batches from its own task, so
/// ending a span never waits for the network: when the queue is full the span is dropped and
/// counted. A batch leaves when the queue holds a full batch or the schedule delay has passed;
/// on graceful shutdown everything still queued is exported before ``run()`` returns.
public final class BatchSpanProcessor: Service, Sendable {
    /// Queue and batch sizes and timings, as the `OTEL_BSP_*` variables set them.
    public struct Configuration: Sendable, Equatable {
        /// `OTEL_BSP_MAX_QUEUE_SIZE`: spans held before new ones are dropped. Default 2048.
        public var maxQueueSize = 2048
        /// `OTEL_BSP_MAX_EXPORT_BATCH_SIZE`: most spans in one export. Default 512.
        public var maxExportBatchSize = 512
        /// `OTEL_BSP_SCHEDULE_DELAY` (milliseconds): longest wait before queued spans are exported.
        /// Default 5 s.
        public var scheduleDelay = Duration.seconds(5)
        /// `OTEL_BSP_EXPORT_TIMEOUT` (milliseconds): longest one export may take, retries included.
        /// Default 10 s.
        public var exportTimeout = Duration.seconds(10)

        /// The defaults.
        public init() {}
    }

    private struct Queue {
        var spans: [FinishedSpan] = []
        var shuttingDown = false
    }

    private let configuration: Configuration
    private let exporter: any SpanExporter
    private let counters: ExportCounters
    private let queue = Mutex(Queue())
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    /// Creates a processor; nothing is exported until ``run()`` is running.
    public init(configuration: Configuration, exporter: any SpanExporter, counters: ExportCounters) {
        self.configuration = configuration
        self.exporter = exporter
        self.counters = counters
        (wakeups, wake) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues a finished span, or drops and counts it when the queue is full. Never blocks.
    public func enqueue(_ span: FinishedSpan) {
        let (accepted, batchReady) = queue.withLock { queue -> (Bool, Bool) in
            guard !queue.shuttingDown, queue.spans.count < configuration.maxQueueSize else { return (false, false) }
            queue.spans.append(span)
            return (true, queue.spans.count >= configuration.maxExportBatchSize)
        }
        if !accepted { counters.dropped(1) }
        if batchReady { wake.yield() }
    }

    /// Asks for an export of whatever is queued, without waiting for it.
    public func requestExport() {
        wake.yield()
    }

    /// Exports on schedule until graceful shutdown, then exports what is left and returns.
    public func run() async throws {
        let delay = configuration.scheduleDelay
        let wake = self.wake
        let timer = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: delay)
                wake.yield()
            }
        }
        await withGracefulShutdownHandler {
            for await _ in wakeups { await exportQueued() }
        } onGracefulShutdown: {
            wake.finish()
        }
        timer.cancel()
        queue.withLock { $0.shuttingDown = true }
        await exportQueued()
    }

    private func exportQueued() async {
        while true {
            let batch = queue.withLock { queue -> [FinishedSpan] in
                let batch = Array(queue.spans.prefix(configuration.maxExportBatchSize))
                queue.spans.removeFirst(batch.count)
                return batch
            }
            guard !batch.isEmpty else { return }
            do {
                try await exportWithTimeout(batch)
                counters.exported(batch.count)
            } catch {
                counters.failed(batch.count)
            }
        }
    }
}

extension BatchSpanProcessor {
    private struct ExportTimedOut: Error {}

    /// Runs one export, cancelling it when the export timeout passes first.
    private func exportWithTimeout(_ batch: [FinishedSpan]) async throws {
        let exporter = self.exporter
        let timeout = configuration.exportTimeout
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await exporter.export(batch) }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw ExportTimedOut()
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }
}

/// Where the processor counts spans exported, dropped at the queue and failed in export.
public struct ExportCounters: Sendable {
    /// Spans the exporter delivered.
    public var exported: @Sendable (Int) -> Void
    /// Spans dropped because the queue was full.
    public var dropped: @Sendable (Int) -> Void
    /// Spans the exporter gave up on.
    public var failed: @Sendable (Int) -> Void

    /// Creates counters from three closures.
    public init(
        exported: @escaping @Sendable (Int) -> Void, dropped: @escaping @Sendable (Int) -> Void,
        failed: @escaping @Sendable (Int) -> Void
    ) {
        self.exported = exported
        self.dropped = dropped
        self.failed = failed
    }
}
