import Budgeting
import Foundation
import Hummingbird
import LogModel
import Stores

/// The query budget of the read routes: each request's reads get `LOGSMITH_QUERY_BUDGET`, or less
/// when it asks with `budget_ms`. Ranges are read newest first (``NewestFirst``); an answer that
/// covers only part of its range says so with `partial` and `covered`, and is not cached.
struct ReadBudget: Sendable {
    /// The longest a read may take.
    let limit: Duration
    /// How ranges are read when the whole does not fit.
    let reader = NewestFirst()

    /// The budget of one request: `budget_ms` (1 to the limit) or the limit.
    func budget(_ parameters: FormQuery) throws -> QueryBudget {
        let most = Int(limit / .milliseconds(1))
        var duration = limit
        if let text = parameters["budget_ms"] {
            guard let milliseconds = Int(text), (1...most).contains(milliseconds) else {
                throw Problem.badParameter("budget_ms", "must be an integer from 1 to \(most)")
            }
            duration = .milliseconds(milliseconds)
        }
        return QueryBudget(duration)
    }
}

/// The part of a range an answer covers, in JSON.
struct CoveredRange: Encodable {
    var start: Timestamp
    var end: Timestamp

    init?(_ coverage: Coverage?) {
        guard let coverage else { return nil }
        (start, end) = (coverage.start, coverage.end)
    }
}
