public import LogModel
public import ServiceLifecycle

/// Coalesces concurrent ingest requests into one store insert per batch (group commit).
///
/// Each ``submit(_:)`` waits until the batch holding its records is committed, so a caller that
/// returns normally may acknowledge its records as durable. A flush starts when records are waiting
/// and either the batch is full or `linger` has passed; requests that arrive during a flush form the
/// next batch. The queue is bounded in records: past it, ``submit(_:)`` fails at once with
/// ``IngestUnavailable/queueFull`` instead of waiting. On graceful shutdown the writer stops taking
/// work, commits what it holds, and returns.
public actor GroupCommitWriter<Store: LogStore, WriterClock: Clock<Duration>>: Service {
    /// Sizes and timings of the writer.
    public struct Configuration: Sendable {
        /// Largest number of records in one insert. Default 5,000.
        public var maxBatchRecords: Int
        /// Largest number of records waiting to be written. Default 100,000.
        public var maxQueuedRecords: Int
        /// How long a partial batch waits for more records before it is flushed. Default 2 ms.
        public var linger: Duration

        /// Creates a configuration.
        public init(maxBatchRecords: Int = 5000, maxQueuedRecords: Int = 100_000, linger: Duration = .milliseconds(2)) {
            self.maxBatchRecords = maxBatchRecords
            self.maxQueuedRecords = maxQueuedRecords
            self.linger = linger
        }
    }

    private struct Submission {
        var records: [LogRecord]
        var continuation: CheckedContinuation<Void, any Error>
    }

    private let store: Store
    private let clock: WriterClock
    private let configuration: Configuration
    private var queue: [Submission] = []
    private var queuedRecords = 0
    private var accepting = true
    private var idle: CheckedContinuation<Void, Never>?

    /// Creates a writer over a store.
    public init(store: Store, configuration: Configuration = .init(), clock: WriterClock) {
        self.store = store
        self.configuration = configuration
        self.clock = clock
    }

    /// Number of records waiting to be written.
    public var depth: Int { queuedRecords }

    /// Queues records and waits until they are committed.
    /// - Throws: ``IngestUnavailable`` when the queue is full or the writer is shutting down; the
    ///   store's error when the insert failed. In every error case none of the records was committed.
    public func submit(_ records: [LogRecord]) async throws {
        guard !records.isEmpty else { return }
        guard accepting else { throw IngestUnavailable.shuttingDown }
        guard queuedRecords + records.count <= configuration.maxQueuedRecords else { throw IngestUnavailable.queueFull }
        try await withCheckedThrowingContinuation { continuation in
            queue.append(Submission(records: records, continuation: continuation))
            queuedRecords += records.count
            idle?.resume()
            idle = nil
        }
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
        idle?.resume()
        idle = nil
    }

    private func flushLoop() async {
        while true {
            if queue.isEmpty {
                guard accepting, !Task.isCancelled else { return }
                await withTaskCancellationHandler {
                    await withCheckedContinuation { idle = $0 }
                } onCancel: {
                    Task { await self.stopAccepting() }
                }
                continue
            }
            if accepting, (queuedRecords < configuration.maxBatchRecords), configuration.linger > .zero {
                try? await clock.sleep(for: configuration.linger)
            }
            await flush(takeBatch())
        }
    }

    /// Takes whole submissions from the head of the queue up to the batch size (at least one).
    private func takeBatch() -> [Submission] {
        var batch: [Submission] = []
        var count = 0
        while let next = queue.first, batch.isEmpty || count + next.records.count <= configuration.maxBatchRecords {
            batch.append(queue.removeFirst())
            count += next.records.count
        }
        queuedRecords -= count
        return batch
    }

    /// Inserts a batch; when the combined insert fails, each submission is retried on its own so
    /// that one bad request cannot fail the others.
    private func flush(_ batch: [Submission]) async {
        do {
            try await store.insert(batch.flatMap(\.records))
            for submission in batch { submission.continuation.resume() }
        } catch {
            guard batch.count > 1 else {
                batch[0].continuation.resume(throwing: error)
                return
            }
            for submission in batch {
                do {
                    try await store.insert(submission.records)
                    submission.continuation.resume()
                } catch {
                    submission.continuation.resume(throwing: error)
                }
            }
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
