import Budgeting
import Foundation
import Hummingbird
import LogModel
import Stores

/// The query budget of the read routes: each request's reads get `LOGSMITH_QUERY_BUDGET`, or less
/// when it asks with `budget_ms`. Ranges are read newest first (``NewestFirst``); an answer that
/// covers only part of its range says so with `partial` and `covered`, and is not cached. Reads run
/// in one of their tenant's slots (``TenantReadSlots``).
struct ReadBudget: Sendable {
    /// The longest a read may take.
    let limit: Duration
    /// How many reads each tenant runs at once.
    let slots: TenantReadSlots
    /// How ranges are read when the whole does not fit.
    let reader = NewestFirst()

    /// The budget of one request: `budget_ms` (1 to the limit) or the limit, cancelled when the client
    /// leaves.
    func budget(_ parameters: FormQuery, _ context: AppRequestContext) throws -> QueryBudget {
        let most = Int(limit / .milliseconds(1))
        var duration = limit
        if let text = parameters["budget_ms"] {
            guard let milliseconds = Int(text), (1...most).contains(milliseconds) else {
                throw Problem.badParameter("budget_ms", "must be an integer from 1 to \(most)")
            }
            duration = .milliseconds(milliseconds)
        }
        let budget = QueryBudget(duration)
        context.client?.cancelOnLeave(budget.cancellation)
        return budget
    }

    /// `read` of `search` within `budget`: its whole range, else slices of it newest first from `end`
    /// (by default the search's end, or now), added up with `merge` (see ``NewestFirst``); an
    /// unbounded start means from the tenant's oldest record in `store`.
    func slices<Store: LogStore, Value: Sendable>(
        _ search: SearchRequest, end: Timestamp? = nil, in store: Store, budget: QueryBudget, empty: Value,
        read: (SearchRequest) async throws -> Value, merge: (inout Value, Value) -> Void,
        isEnough: (Value) -> Bool = { _ in false }
    ) async throws -> BudgetedAnswer<Value> {
        try await slots.withSlot(search.tenant, budget: budget) {
            try await reader.slices(
                of: search.start, end: end ?? search.end ?? .now(), budget: budget,
                oldest: { try await store.oldestTimestamp(tenant: search.tenant) }, empty: empty,
                read: { try await read(Self.search(search, from: $0, to: $1)) }, merge: merge, isEnough: isEnough)
        }
    }

    /// `read` of `search` within `budget`, for answers that do not add up over slices: its whole
    /// range, else growing windows ending at its end, the longest read in time (see ``NewestFirst``).
    func windows<Store: LogStore, Value: Sendable>(
        _ search: SearchRequest, in store: Store, budget: QueryBudget, read: (SearchRequest) async throws -> Value
    ) async throws -> BudgetedAnswer<Value?> {
        try await slots.withSlot(search.tenant, budget: budget) {
            try await reader.windows(
                of: search.start, end: search.end ?? .now(), budget: budget,
                oldest: { try await store.oldestTimestamp(tenant: search.tenant) },
                read: { try await read(Self.search(search, from: $0, to: $1)) })
        }
    }

    private static func search(_ search: SearchRequest, from start: Timestamp?, to end: Timestamp) -> SearchRequest {
        var part = search
        (part.start, part.end) = (start, end)
        return part
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

    /// Appends the range as its `Encodable` form writes it, members in the order of their keys.
    func writeJSON(to output: inout JSONOutput) {
        output.raw("{")
        output.key("end", first: true)
        output.string(end.rfc3339)
        output.key("start")
        output.string(start.rfc3339)
        output.raw("}")
    }
}
