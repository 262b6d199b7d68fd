import Foundation
public import LogModel
public import Stores

/// The addresses that show an alert's records: the search API and the explorer over the rule's
/// query (narrowed to the instance's group value) and window, and the histogram of the same.
public struct AlertLinks: Sendable, Hashable, Encodable {
    /// `GET /api/v1/logs` of the records.
    public var search: String
    /// The explorer showing them.
    public var explorer: String
    /// `GET /api/v1/analytics/histogram` of them by level.
    public var histogram: String

    /// The links of `rule`'s records in group `group` over the window ending at `end`, under
    /// `baseURL` (the service's public address).
    public init(baseURL: String, rule: AlertRule, group: String?, end: Timestamp) {
        let query = Self.query(rule, group: group)
        let start = end.adding(microseconds: -Int64(rule.windowSeconds) * 1_000_000).rfc3339
        let range = [("q", query), ("start", start), ("end", end.rfc3339)]
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        search = base + "/api/v1/logs?" + Self.form(range)
        histogram = base + "/api/v1/analytics/histogram?" + Self.form(range + [("by", "level")])
        explorer =
            base + "/#"
            + Self.form([("tab", "search"), ("q", query), ("range", "custom"), ("start", start), ("end", end.rfc3339)])
    }

    /// The rule's query narrowed to one group value (records without the field: `-field:*`).
    public static func query(_ rule: AlertRule, group: String?) -> String {
        guard let field = rule.groupBy else { return rule.query }
        let term =
            group.map {
                "\(field):\"\($0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""))\""
            } ?? "-\(field):*"
        return rule.query.isEmpty ? term : "(\(rule.query)) \(term)"
    }

    private static func form(_ fields: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return fields.map { name, value in
            "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
        }.joined(separator: "&")
    }
}
