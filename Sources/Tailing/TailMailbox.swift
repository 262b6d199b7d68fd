import Stores
import Synchronization

/// The committed batches waiting for one tail, bounded in records: past the bound the oldest are
/// dropped and counted, so a client that reads slowly costs bounded memory.
final class TailMailbox: Sendable {
    /// What one wait took.
    enum Taken: Sendable, Equatable {
        /// Batches to read, oldest first, and how many records were dropped before them.
        case batches([CommittedBatch], dropped: Int)
        /// Nothing arrived in time.
        case idle
        /// The tail was closed.
        case closed
    }

    private struct State {
        var pending: [CommittedBatch] = []
        var pendingRecords = 0
        var dropped = 0
        var closed = false
        var waiter: CheckedContinuation<Void, Never>?

        var hasNews: Bool { closed || dropped > 0 || !pending.isEmpty }

        mutating func wake() {
            waiter?.resume()
            waiter = nil
        }
    }

    /// The tenant whose batches the mailbox takes.
    let tenant: String
    private let capacity: Int
    private let state = Mutex(State())

    /// Creates an empty mailbox holding at most `capacity` records' IDs.
    init(tenant: String, capacity: Int) {
        self.tenant = tenant
        self.capacity = max(CommittedBatch.maxIDs, capacity)
    }

    /// Adds batches, dropping the oldest while more than the capacity waits.
    func deliver(_ batches: [CommittedBatch]) {
        state.withLock { state in
            guard !state.closed, !batches.isEmpty else { return }
            state.pending += batches
            state.pendingRecords += batches.reduce(0) { $0 + $1.ids.count }
            var dropping = 0
            while state.pendingRecords > capacity, dropping < state.pending.count {
                state.pendingRecords -= state.pending[dropping].ids.count
                state.dropped += state.pending[dropping].ids.count
                dropping += 1
            }
            state.pending.removeFirst(dropping)
            state.wake()
        }
    }

    /// Replaces whatever waits with `batches`, within the bound as ``deliver(_:)`` keeps it: a
    /// resumed tail's backlog of recent batches, which includes every batch delivered so far (the hub
    /// calls it while it delivers none).
    func replace(with batches: [CommittedBatch]) {
        state.withLock { state in
            state.pending = []
            state.pendingRecords = 0
        }
        deliver(batches)
    }

    /// Ends the tail: a wait returns `.closed` from now on.
    func close() {
        state.withLock { state in
            state.closed = true
            state.pending = []
            state.wake()
        }
    }

    /// Waits up to `timeout` for batches, and takes those that hold at most `records` IDs (at least one
    /// batch) with the count of records dropped since the last take.
    func take(records: Int, timeout: Duration) async -> Taken {
        let timer = Task {
            guard (try? await Task.sleep(for: timeout)) != nil else { return }
            state.withLock { $0.wake() }
        }
        defer { timer.cancel() }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let waiting = state.withLock { state in
                    guard !state.hasNews, !Task.isCancelled else { return false }
                    state.waiter = continuation
                    return true
                }
                if !waiting { continuation.resume() }
            }
        } onCancel: {
            close()
        }
        return state.withLock { state in
            if state.closed { return .closed }
            guard state.hasNews else { return .idle }
            var count = 0
            var taken = 0
            while taken < state.pending.count, taken == 0 || count + state.pending[taken].ids.count <= records {
                count += state.pending[taken].ids.count
                taken += 1
            }
            let batches = Array(state.pending.prefix(taken))
            state.pending.removeFirst(taken)
            state.pendingRecords -= count
            defer { state.dropped = 0 }
            return .batches(batches, dropped: state.dropped)
        }
    }
}
