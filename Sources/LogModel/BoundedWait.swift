import Synchronization

/// Whether `task` ends within `limit`. Waiting is given up after it and the task is left as it is,
/// for shutdowns that must not hang on a part that does not stop when cancelled.
public func waitForEnd<Success: Sendable, Failure: Error>(of task: Task<Success, Failure>, within limit: Duration) async
    -> Bool
{
    await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
        let resumed = Mutex(false)
        let resume: @Sendable (Bool) -> Void = { value in
            let first = resumed.withLock { done in
                defer { done = true }
                return !done
            }
            if first { continuation.resume(returning: value) }
        }
        Task {
            _ = await task.result
            resume(true)
        }
        Task {
            try? await Task.sleep(for: limit)
            resume(false)
        }
    }
}

/// Returns once the calling task is cancelled.
public func untilCancelled() async {
    while !Task.isCancelled {
        try? await Task.sleep(for: .seconds(3_600))
    }
}
