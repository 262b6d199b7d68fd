public import LogModel
import LogQuery
public import Stores

/// What a rule's condition measures over its window ending at an instant, per group value: the
/// count, the ratio to a second query's count, the change against an earlier window, or the number
/// of patterns first seen in the window. Reads through the same store queries as the API.
public struct AlertMeasurement<Store: LogStore & PatternStore>: Sendable {
    /// The most group values one evaluation measures; values past them are not alerted on.
    public static var maxGroups: Int { 100 }

    private let store: Store

    /// Creates a measurement over `store`.
    public init(store: Store) {
        self.store = store
    }

    /// The rule's value for each group value (one entry, keyed nil, without grouping) over the window
    /// ending at `now`; `known` groups (those with instances) are measured too, as 0 when no record
    /// has them. A value is nil when it cannot be computed (a ratio over nothing).
    public func values(of rule: AlertRule, at now: Timestamp, known: Set<String?>) async throws -> [String?: Double?] {
        let query = try QueryParser.parse(rule.query)
        let window = Int64(rule.windowSeconds) * 1_000_000
        let current = try await counts(rule, query: query, end: now, window: window, known: known)
        switch rule.condition {
        case .count:
            return current.mapValues { Double($0) }
        case .ratio(let of, _, _):
            let base = try await counts(rule, query: try QueryParser.parse(of), end: now, window: window, known: known)
            return Set(current.keys).union(base.keys).reduce(into: [:]) { values, group in
                let denominator = base[group] ?? 0
                values[group] = denominator == 0 ? Double?.none : Double(current[group] ?? 0) / Double(denominator)
            }
        case .change(let baselineSeconds, _, _):
            let earlier = try await counts(
                rule, query: query, end: now.adding(microseconds: -Int64(baselineSeconds) * 1_000_000), window: window,
                known: known)
            return current.reduce(into: [:]) { values, entry in
                let baseline = earlier[entry.key] ?? 0
                values[entry.key] = baseline == 0 ? Double?.none : Double(entry.value) / Double(baseline)
            }
        case .newPatterns:
            let start = now.adding(microseconds: -window)
            let summaries = try await store.patternSummaries(
                PatternListRequest(
                    tenant: rule.tenant, query: query, start: start, end: now, limit: 1000, sort: .new, buckets: 1))
            return [nil: Double(summaries.filter { $0.template.firstSeen >= start }.count)]
        }
    }

    private func counts(
        _ rule: AlertRule, query: QueryNode, end: Timestamp, window: Int64, known: Set<String?>
    ) async throws -> [String?: Int] {
        let search = SearchRequest(
            tenant: rule.tenant, query: query, start: end.adding(microseconds: -window), end: end)
        guard let name = rule.groupBy, let field = AnalyticsField(name: name) else {
            return [nil: try await store.stats(search).total]
        }
        let groups = try await store.groupCounts(
            GroupByRequest(search: search, fields: [field], limit: Self.maxGroups, descending: true))
        var counts = Dictionary(uniqueKeysWithValues: known.map { ($0, 0) })
        for group in groups.groups { counts[group.keys.first ?? nil] = group.count }
        return counts
    }
}
