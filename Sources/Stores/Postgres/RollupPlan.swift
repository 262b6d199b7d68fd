import LogModel
import LogQuery

/// How a request splits into whole units of time (minutes or hours), read from a rollup table kept
/// by triggers, and the partial units at either end, read from the records themselves.
struct RollupPlan {
    /// A record field that a rollup table keeps as a key column of the same name, so that the table
    /// can apply a query's filter on it.
    enum Key {
        /// `service`, with '' for records without one.
        case service
        /// `level`.
        case level
    }

    /// The whole units, as a range of unit numbers since the epoch (unbounded where the request is).
    var whole: (first: Int64?, end: Int64?)
    /// The requests for the partial units at the ends of the range.
    var edges: [SearchRequest]
    /// The query's conditions, each on one of the table's keys, that every counted record meets.
    private var filters: [Filter]
    /// The length of a unit in microseconds.
    private var unit: Int64

    /// A query condition on one key of a rollup table.
    private enum Filter {
        case service(String)
        case level(Comparison, LogLevel)
    }

    /// The plan for a request in units of `unitMicroseconds` over a table keyed by `keys`; nil when its
    /// query is more than a conjunction of exact services and level comparisons that the keys hold,
    /// which only the records can answer, or when its range holds no whole unit.
    init?(_ request: SearchRequest, unitMicroseconds unit: Int64, keys: Set<Key> = []) {
        guard let predicates = Self.conjuncts(request.query) else { return nil }
        let filters = predicates.compactMap { Self.filter($0, keys) }
        guard filters.count == predicates.count else { return nil }
        (self.filters, self.unit) = (filters, unit)
        let first = request.start.map { Self.ceilingDivide($0.microseconds, unit) }
        let end = request.end.map { Self.floorDivide($0.microseconds, unit) }
        if let first, let end, first >= end { return nil }
        var edges: [SearchRequest] = []
        if let start = request.start, let first, start.microseconds < first * unit {
            var edge = request
            edge.end = Timestamp(microseconds: first * unit)
            edges.append(edge)
        }
        if let stop = request.end, let end, end * unit < stop.microseconds {
            var edge = request
            edge.start = Timestamp(microseconds: end * unit)
            edges.append(edge)
        }
        (whole, self.edges) = ((first, end), edges)
    }

    /// For one of ``edges``, its whole unit and the rest of that unit, when the rest spans at most a
    /// tenth of the edge's time before `now` (as a range ending now leaves it): the edge's records
    /// are then the unit's less the rest's, which reads almost nothing of the rest. Nil otherwise.
    func complement(of edge: SearchRequest, now: Timestamp) -> (unit: SearchRequest, rest: SearchRequest)? {
        guard let start = edge.start, let end = edge.end else { return nil }
        let atStart = whole.first.map { $0 * unit } == end.microseconds
        let unitStart = Timestamp(microseconds: atStart ? end.microseconds - unit : start.microseconds)
        let unitEnd = unitStart.adding(microseconds: unit)
        let (restStart, restEnd) = atStart ? (unitStart, start) : (end, unitEnd)
        func elapsed(_ from: Timestamp, _ to: Timestamp) -> Int64 {
            max(0, min(to.microseconds, now.microseconds) - from.microseconds)
        }
        guard elapsed(restStart, restEnd) * 10 <= elapsed(start, end) else { return nil }
        var (unitRequest, rest) = (edge, edge)
        (unitRequest.start, unitRequest.end) = (unitStart, unitEnd)
        (rest.start, rest.end) = (restStart, restEnd)
        return (unitRequest, rest)
    }

    /// The SQL condition on a rollup table's rows of the tenant in the whole units, whose unit
    /// number is in `column`.
    func conditions(tenant: String, column: String, _ builder: inout SQLBuilder<PostgresDialect>) -> String {
        var conditions = ["tenant = \(builder.bind(tenant))"]
        if let first = whole.first { conditions.append("\(column) >= \(builder.bind(.integer(first)))") }
        if let end = whole.end { conditions.append("\(column) < \(builder.bind(.integer(end)))") }
        for filter in filters {
            switch filter {
            case .service(let service): conditions.append("service = \(builder.bind(service))")
            case .level(let comparison, let level):
                conditions.append(SQLPatterns.levelCondition(comparison, level, &builder))
            }
        }
        return conditions.joined(separator: " AND ")
    }

    /// The predicates of a query that is one predicate or a conjunction of them; nil for any other.
    private static func conjuncts(_ query: QueryNode) -> [QueryPredicate]? {
        switch query {
        case .all: []
        case .predicate(let predicate): [predicate]
        case .and(let children):
            children.reduce([QueryPredicate]?.some([])) { found, child in
                guard let found, let more = conjuncts(child) else { return nil }
                return found + more
            }
        case .or, .not: nil
        }
    }

    /// The filter of a table keyed by `keys` that applies the predicate itself, or nil. A record
    /// without a service is kept under '', which no `service:` query matches, so an empty service is
    /// left to the records.
    private static func filter(_ predicate: QueryPredicate, _ keys: Set<Key>) -> Filter? {
        switch predicate {
        case .fieldEquals(.service, let service) where keys.contains(.service) && !service.isEmpty:
            .service(service)
        case .level(let comparison, let level) where keys.contains(.level): .level(comparison, level)
        default: nil
        }
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
    }

    private static func ceilingDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        -floorDivide(-value, divisor)
    }
}
