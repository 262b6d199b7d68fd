import Alerting
import Foundation
import LogModel
import LogQuery
import Stores

/// The body of `POST` and `PUT /api/v1/alerts/rules`: a rule as people write it, checked field by
/// field (problem details name the field) and turned into an ``AlertRule``.
struct AlertRuleBody: Decodable {
    struct Condition: Decodable {
        var type: String
        var comparison: String?
        var threshold: Double?
        /// The second query of a ratio.
        var of: String?
        /// How far back a change compares: `1d` or `1w`.
        var baseline: String?
    }

    struct Target: Decodable {
        var type: String
        /// Required for webhooks; for Alertmanager, `LOGSMITH_ALERTMANAGER_URL` when absent.
        var url: String?
    }

    var name: String
    var q: String
    var window: String
    var interval: String?
    var `for`: String?
    var condition: Condition
    var severity: String?
    var groupBy: String?
    var labels: [String: String]?
    var annotations: [String: String]?
    var targets: [Target]?
    var enabled: Bool?

    enum CodingKeys: String, CodingKey {
        case name, q, window, interval, `for`, condition, severity, labels, annotations, targets, enabled
        case groupBy = "group_by"
    }

    /// The field names problem details point at.
    private enum Field: String, CodingKey {
        case name, q, window, interval, `for`, condition, severity, labels, annotations, targets, type, comparison
        case threshold, of, baseline, url
        case groupBy = "group_by"
    }

    /// Windows from a minute to a day; intervals from a second to an hour; `for` up to a day.
    static let windowSeconds = 60...86_400
    static let intervalSeconds = 1...3600
    static let forSeconds = 0...86_400
    static let groupFields = ["level", "service", "host", "environment"]

    /// The rule this body describes, with `id`, `tenant` and times given; throws a 400 problem naming
    /// the first field at fault.
    func rule(
        id: String, tenant: String, createdAt: Timestamp, now: Timestamp, policy: TargetAddressPolicy,
        alertmanagerURL: String?
    ) throws -> AlertRule {
        let name = self.name.trimmingCharacters(in: .whitespaces)
        guard (1...200).contains(name.count) else { throw Problem.badField([Field.name], "must be 1-200 characters") }
        try Self.checkQuery(q, [Field.q])
        let window = try Self.seconds(window, [Field.window], in: Self.windowSeconds, "from 1m to 24h")
        let interval =
            try interval.map { try Self.seconds($0, [Field.interval], in: Self.intervalSeconds, "from 1s to 1h") } ?? 60
        let forSeconds =
            try self.for.map {
                $0 == "0" || $0 == "0s" ? 0 : try Self.seconds($0, [Field.for], in: Self.forSeconds, "from 0s to 24h")
            } ?? 0
        let severity =
            try severity.map { text in
                guard let severity = AlertSeverity(rawValue: text) else {
                    throw Problem.badField([Field.severity], "must be page, ticket or info")
                }
                return severity
            } ?? .ticket
        let condition = try parsedCondition()
        if let groupBy {
            guard
                Self.groupFields.contains(groupBy)
                    || (groupBy.hasPrefix("attributes.") && groupBy.count > 11 && groupBy.utf8.count <= 256)
            else {
                throw Problem.badField(
                    [Field.groupBy], "must be level, service, host, environment or attributes.KEY")
            }
            if case .newPatterns = condition {
                throw Problem.badField([Field.groupBy], "cannot split a new_patterns condition")
            }
        }
        let labels = labels ?? [:]
        for key in labels.keys
        where key.isEmpty || !key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
            || key.first?.isNumber == true
        {
            throw Problem.badField([Field.labels], "\(key.prefix(64)) is not a label name (letters, digits and _)")
        }
        let targets = try (targets ?? []).enumerated().map { index, target in
            guard let kind = AlertTarget.Kind(rawValue: target.type) else {
                throw Problem.badField([Field.targets, IndexKey(index), Field.type], "must be webhook or alertmanager")
            }
            guard let url = target.url ?? (kind == .alertmanager ? alertmanagerURL : nil) else {
                throw Problem.badField(
                    [Field.targets, IndexKey(index), Field.url],
                    kind == .webhook ? "is required" : "is required unless LOGSMITH_ALERTMANAGER_URL is set")
            }
            if let refusal = policy.refusal(ofURL: url) {
                throw Problem.badField([Field.targets, IndexKey(index), Field.url], refusal)
            }
            return AlertTarget(kind: kind, url: url)
        }
        guard targets.count <= 10 else { throw Problem.badField([Field.targets], "must be at most 10") }
        return AlertRule(
            id: id, tenant: tenant, name: name, query: q, windowSeconds: window, intervalSeconds: interval,
            forSeconds: forSeconds, condition: condition, severity: severity, groupBy: groupBy, labels: labels,
            annotations: annotations ?? [:], targets: targets, enabled: enabled ?? true, createdAt: createdAt,
            updatedAt: now)
    }

    private func parsedCondition() throws -> AlertCondition {
        let path: [any CodingKey] = [Field.condition]
        let test = { () throws -> (AlertComparison, Double) in
            guard let text = condition.comparison, let comparison = AlertComparison(rawValue: text) else {
                throw Problem.badField(path + [Field.comparison], "must be >, >=, < or <=")
            }
            guard let threshold = condition.threshold, threshold.isFinite else {
                throw Problem.badField(path + [Field.threshold], "must be a number")
            }
            return (comparison, threshold)
        }
        switch condition.type {
        case "count":
            let (comparison, threshold) = try test()
            return .count(comparison, threshold: threshold)
        case "ratio":
            guard let of = condition.of else { throw Problem.badField(path + [Field.of], "is required for a ratio") }
            try Self.checkQuery(of, path + [Field.of])
            let (comparison, threshold) = try test()
            return .ratio(of: of, comparison, threshold: threshold)
        case "change":
            let baseline: Int
            switch condition.baseline {
            case "1d": baseline = 86_400
            case "1w", "7d": baseline = 604_800
            default: throw Problem.badField(path + [Field.baseline], "must be 1d or 1w")
            }
            let (comparison, threshold) = try test()
            return .change(baselineSeconds: baseline, comparison, threshold: threshold)
        case "new_patterns":
            let (comparison, threshold) = try test()
            return .newPatterns(comparison, threshold: threshold)
        default:
            throw Problem.badField(path + [Field.type], "must be count, ratio, change or new_patterns")
        }
    }

    private static func checkQuery(_ text: String, _ path: [any CodingKey]) throws {
        do {
            _ = try QueryParser.parse(text)
        } catch {
            throw Problem.badField(path, error.reason, position: error.position)
        }
    }

    private static func seconds(_ text: String, _ path: [any CodingKey], in range: ClosedRange<Int>, _ words: String)
        throws -> Int
    {
        guard let seconds = AnalyticsInterval.duration(text), range.contains(Int(seconds)) else {
            throw Problem.badField(path, "must be a duration \(words), like 30s, 5m, 1h")
        }
        return Int(seconds)
    }
}

/// An array position in a problem's pointer.
struct IndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { String(intValue ?? 0) }

    init(_ index: Int) { intValue = index }
    init?(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) { nil }
}
