public import LogModel
public import LogQuery

/// What watching the commit feed reports (see ``CommitFeed/watchCommits(_:)``).
public enum CommitFeedEvent: Sendable, Hashable {
    /// Commits are heard from now on.
    case listening
    /// An insert committed these records, on this process or another; every listener hears the
    /// batches of all processes in the same order.
    case committed(CommittedBatch)
}

/// Announces every committed insert to every process on the database, and reads what was announced:
/// the ground of live tails.
public protocol CommitFeed: Sendable {
    /// Reports `.listening` once commits are heard, then `.committed` for each batch, in commit
    /// order, until the task is cancelled; throws when they can no longer be heard (a lost connection).
    func watchCommits(_ event: @escaping @Sendable (CommitFeedEvent) -> Void) async throws

    /// The records of `batches` (all of one tenant) that match `query`, in the order the batches name
    /// them.
    func records(committedIn batches: [CommittedBatch], tenant: String, matching query: QueryNode) async throws
        -> [LogRecord]
}
