/// Runs background jobs once across every process sharing a database.
///
/// PostgreSQL elects through a session advisory lock held for the length of the job; in SQLite mode
/// one process owns the database, so only overlapping runs within it are kept apart.
public protocol JobElection: Sendable {
    /// Runs `body` when no other process or task is running the job named `job`, holding the claim
    /// until it returns; nil, without running it, when another one holds it.
    func runExclusively<Result: Sendable>(
        _ job: String, _ body: @Sendable () async throws -> Result
    ) async throws -> Result?
}
