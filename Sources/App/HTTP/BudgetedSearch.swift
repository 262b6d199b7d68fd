import Budgeting
import LogModel
import Stores

/// A search page read under a ``QueryBudget``: the whole range at once when it fits, else newest
/// first slice by slice until the page is full or the budget runs out. A partial page holds every
/// match of the part covered, and its cursor continues below that part.
struct BudgetedSearch<Store: LogStore> {
    let store: Store
    let budgets: ReadBudget

    /// The page, and the part of the range it covers when that is not all of it.
    func page(_ request: SearchRequest, budget: QueryBudget) async throws -> (page: SearchPage, covered: Coverage?) {
        var end = request.end ?? .now()
        if let cursor = request.cursor { end = min(end, cursor.timestamp.adding(microseconds: 1)) }
        let answer = try await budgets.slices(
            request, end: end, in: store, budget: budget, empty: SearchPage(records: [], nextCursor: nil),
            read: { try await store.search($0) },
            merge: { found, slice in
                let records = found.records + slice.records
                found.records = Array(records.prefix(request.limit))
                // A page filled by slices may be followed by an empty one: older slices are not read.
                if records.count >= request.limit || slice.nextCursor != nil {
                    found.nextCursor = found.records.last.map(SearchCursor.init(after:))
                }
            },
            isEnough: { $0.nextCursor != nil })
        var page = answer.value
        if let covered = answer.covered {
            page.nextCursor = Self.older(request.cursor, SearchCursor(before: covered.start))
        }
        return (page, answer.covered)
    }

    /// The older of the request's cursor and the position below the part covered: a partial page
    /// that covered nothing older than the request's cursor continues from that cursor, never from
    /// a newer position, which would list again the records just above it.
    private static func older(_ cursor: SearchCursor?, _ below: SearchCursor) -> SearchCursor {
        guard let cursor, (cursor.timestamp, cursor.id) < (below.timestamp, below.id) else { return below }
        return cursor
    }
}
