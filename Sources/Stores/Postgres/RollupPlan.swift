import LogModel
import LogQuery

/// How a request splits into whole units of time (minutes or hours), read from a rollup table kept
/// by triggers, and the partial units at either end, read from the records themselves.
struct RollupPlan {
    /// The whole units, as a range of unit numbers since the epoch (unbounded where the request is).
    var whole: (first: Int64?, end: Int64?)
    /// The requests for the partial units at the ends of the range.
    var edges: [SearchRequest]

    /// The plan for a request in units of `unitMicroseconds`; nil when its query filters on more than
    /// tenant and time, which only the records can answer, or when its range holds no whole unit.
    init?(_ request: SearchRequest, unitMicroseconds unit: Int64) {
        guard request.query == .all else { return nil }
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

    /// The SQL condition on a rollup table's rows of the tenant in the whole units, whose unit
    /// number is in `column`.
    func conditions(tenant: String, column: String, _ builder: inout SQLBuilder<PostgresDialect>) -> String {
        var conditions = ["tenant = \(builder.bind(tenant))"]
        if let first = whole.first { conditions.append("\(column) >= \(builder.bind(.integer(first)))") }
        if let end = whole.end { conditions.append("\(column) < \(builder.bind(.integer(end)))") }
        return conditions.joined(separator: " AND ")
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
    }

    private static func ceilingDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        -floorDivide(-value, divisor)
    }
}
