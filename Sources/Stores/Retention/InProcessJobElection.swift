import Synchronization

/// Job election within one process: a job runs unless a run of it is under way in this process.
/// What SQLite mode needs, where one process owns the database.
public final class InProcessJobElection: JobElection {
    private let running = Mutex<Set<String>>([])

    /// Creates an election with no job running.
    public init() {}

    /// Runs `body` unless a run of `job` is under way; nil when one is.
    public func runExclusively<Result: Sendable>(
        _ job: String, _ body: @Sendable () async throws -> Result
    ) async throws -> Result? {
        guard running.withLock({ $0.insert(job).inserted }) else { return nil }
        defer { _ = running.withLock { $0.remove(job) } }
        return try await body()
    }
}
