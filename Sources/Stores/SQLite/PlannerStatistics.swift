import Synchronization

/// When the embedded store refreshes SQLite's query-planner statistics (`ANALYZE`, sampled by
/// `analysis_limit`): on open, and each time the rows inserted since then have doubled (from 1,000),
/// at least every million rows. Without statistics SQLite walks the time index for a rare word
/// instead of asking the trigram index first: a scan of the whole table per search.
final class PlannerStatistics: Sendable {
    private let state = Mutex((inserted: 0, next: 1_000))

    /// Counts `rows` just inserted; true when the statistics are due for a refresh.
    func inserted(_ rows: Int) -> Bool {
        state.withLock { state in
            state.inserted += rows
            guard state.inserted >= state.next else { return false }
            state.next = state.inserted + min(state.inserted, 1_000_000)
            return true
        }
    }

    /// Statements that refresh the statistics from a sample of each index.
    static let refresh = ["PRAGMA analysis_limit=1000", "ANALYZE"]
}
