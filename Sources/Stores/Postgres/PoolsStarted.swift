import PostgresNIO
import Synchronization

/// Whether a store's pools have begun to run, awaited by what leases connections while the store's
/// ``PostgresLogStore/run()`` may not have reached its pools yet (migrations and `LISTEN`s, started
/// beside it): postgres-nio logs a warning for every lease made before its client's `run()` was
/// called, though the lease then waits for it.
final class PoolsStarted: Sendable {
    private let state = Mutex<(started: Bool, waiting: [Int: CheckedContinuation<Void, any Error>], next: Int)>(
        (false, [:], 0))

    /// Marks the pools started and resumes every wait.
    func signal() {
        let waiting = state.withLock { state in
            state.started = true
            defer { state.waiting = [:] }
            return state.waiting.values
        }
        for continuation in waiting { continuation.resume() }
    }

    /// Returns once ``signal()`` was called; throws `CancellationError` if the task is cancelled first.
    func wait() async throws {
        let id = state.withLock { state in
            state.next += 1
            return state.next
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow: Result<Void, any Error>? = state.withLock { state in
                    if state.started { return .success(()) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.waiting[id] = continuation
                    return nil
                }
                if let resumeNow { continuation.resume(with: resumeNow) }
            }
        } onCancel: {
            state.withLock { $0.waiting.removeValue(forKey: id) }?.resume(throwing: CancellationError())
        }
    }
}

extension DiscardingTaskGroup {
    /// Adds a task that runs `client`, started at once: the client has marked itself running when this
    /// returns, since its `run()` does so before its first suspension (on macOS before 26, which has no
    /// immediate tasks, soon after).
    mutating func addTaskRunning(_ client: PostgresClient) {
        if #available(macOS 26, *) {
            addImmediateTask { await client.run() }
        } else {
            addTask { await client.run() }
        }
    }
}
