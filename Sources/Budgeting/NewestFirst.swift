public import LogModel
public import Stores

/// Reads a time range under a ``QueryBudget``, newest first.
///
/// The whole range is tried first with half of the budget, so a read that fits is one statement as
/// it would be without a budget. When that runs out, the range is read again from its end in slices
/// (``slices(of:end:budget:oldest:empty:read:merge:isEnough:)``, for answers that add up, like
/// counts and pages) or in growing windows (``windows(of:end:budget:oldest:read:)``, for answers
/// that do not, like percentiles and top-N tables), each twice as long as the one before, until the
/// budget runs out; the answer then says which part it covers. The first slice or window runs even
/// when little is left (at least ``guaranteedTime``), so that each answer covers some of the range
/// and a client that continues from where it stopped gets to the end.
public struct NewestFirst: Sendable {
    /// The length of the first slice or window, as a share of the range.
    public var firstShare: Double
    /// The shortest first slice or window, in microseconds.
    public var shortestMicroseconds: Int64
    /// The time the first slice or window has whatever the budget has left.
    public var guaranteedTime: Duration

    /// Creates a reader; by default the first slice is a 64th of the range and at least a second,
    /// with 100 ms guaranteed.
    public init(
        firstShare: Double = 1.0 / 64, shortestMicroseconds: Int64 = 1_000_000,
        guaranteedTime: Duration = .milliseconds(100)
    ) {
        self.firstShare = firstShare
        self.shortestMicroseconds = shortestMicroseconds
        self.guaranteedTime = guaranteedTime
    }

    /// Reads `[start, end)` (from the oldest record when `start` is nil) slice by slice, adding up
    /// the slices' answers with `merge`, and stops early once `isEnough` says the answer is complete
    /// (a full page). `read` gets each slice's bounds, nil for an unbounded start.
    public func slices<Value: Sendable>(
        of start: Timestamp?, end: Timestamp, budget: QueryBudget, oldest: () async throws -> Timestamp?,
        empty: Value, read: (Timestamp?, Timestamp) async throws -> Value, merge: (inout Value, Value) -> Void,
        isEnough: (Value) -> Bool = { _ in false }
    ) async throws -> BudgetedAnswer<Value> {
        if let whole = try await attempt(start, end, budget, read) { return whole }
        var value = empty
        let answer = try await walk(start, end, budget, oldest, growing: false) { sliceStart, sliceEnd in
            merge(&value, try await read(sliceStart, sliceEnd))
            return isEnough(value)
        }
        return BudgetedAnswer(value: value, covered: answer)
    }

    /// Reads `[start, end)` (from the oldest record when `start` is nil) in windows that all end at
    /// `end`, each twice as long as the last, and answers with the longest one read in time.
    public func windows<Value: Sendable>(
        of start: Timestamp?, end: Timestamp, budget: QueryBudget, oldest: () async throws -> Timestamp?,
        read: (Timestamp?, Timestamp) async throws -> Value
    ) async throws -> BudgetedAnswer<Value?> {
        if let whole = try await attempt(start, end, budget, read) {
            return BudgetedAnswer(value: whole.value, covered: nil)
        }
        var value: Value?
        let answer = try await walk(start, end, budget, oldest, growing: true) { windowStart, windowEnd in
            value = try await read(windowStart, windowEnd)
            return false
        }
        return BudgetedAnswer(value: value, covered: answer)
    }

    /// The whole range with half the budget; nil when that ran out.
    private func attempt<Value>(
        _ start: Timestamp?, _ end: Timestamp, _ budget: QueryBudget,
        _ read: (Timestamp?, Timestamp) async throws -> Value
    ) async throws -> BudgetedAnswer<Value>? {
        do {
            return BudgetedAnswer(value: try await budget.share(0.5).apply { try await read(start, end) }, covered: nil)
        } catch let error as StoreError where error.code == .budgetExhausted {
            return nil
        }
    }

    /// Calls `step` on newest-first slices (or, `growing`, on windows ending at `end`) until the range
    /// is read, `step` says the answer is complete, or the budget runs out; returns the part covered,
    /// nil for all of it.
    private func walk(
        _ start: Timestamp?, _ end: Timestamp, _ budget: QueryBudget, _ oldest: () async throws -> Timestamp?,
        growing: Bool, _ step: (Timestamp?, Timestamp) async throws -> Bool
    ) async throws -> Coverage? {
        var lowest = end
        if let start {
            lowest = start
        } else if let found = try await budget.atLeast(guaranteedTime).apply({ try await oldest() }) {
            lowest = min(found, end)
        }
        var length = max(shortestMicroseconds, Int64(Double(end.microseconds - lowest.microseconds) * firstShare))
        var coveredStart = end
        var first = true
        while coveredStart > lowest {
            let sliceStart = max(lowest, coveredStart.adding(microseconds: -length))
            let stepBudget = first ? budget.atLeast(guaranteedTime) : budget
            if stepBudget.isExhausted { break }
            let bound = sliceStart == lowest ? start : sliceStart
            do {
                let complete = try await stepBudget.apply { try await step(bound, growing ? end : coveredStart) }
                coveredStart = sliceStart
                if complete { return nil }
            } catch let error as StoreError where error.code == .budgetExhausted {
                break
            }
            length = growing ? end.microseconds - sliceStart.microseconds : length * 2
            first = false
        }
        return coveredStart > lowest ? Coverage(start: coveredStart, end: end) : nil
    }
}
