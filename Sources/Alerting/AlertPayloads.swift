import Foundation
public import LogModel
public import Stores

/// The bodies sent for a transition: the webhook's JSON and Alertmanager's alert list.
public enum AlertPayloads {
    /// The webhook body: the rule, the transition, the value against the condition, and links.
    public static func webhook(
        rule: AlertRule, transition: AlertTransition, deliveryID: String, links: AlertLinks
    ) throws -> String {
        let (comparison, threshold) = rule.condition.test
        let body = WebhookBody(
            deliveryID: deliveryID, tenant: rule.tenant, instanceID: transition.instanceID,
            rule: .init(
                id: rule.id, name: rule.name, severity: rule.severity.rawValue, query: rule.query,
                windowSeconds: rule.windowSeconds, labels: rule.labels, annotations: rule.annotations),
            state: transition.to.rawValue, previousState: transition.from.rawValue,
            group: rule.groupBy.map { .init(field: $0, value: transition.group) }, value: transition.value,
            condition: .init(
                type: conditionType(rule.condition), comparison: comparison.rawValue, threshold: threshold),
            at: transition.at.rfc3339, actor: transition.actor, comment: transition.comment, links: links)
        return try encode(body, snakeCase: true)
    }

    /// Alertmanager's `POST /api/v2/alerts` body for the instance: firing until `endsAt` (a resolved
    /// one ends at the transition), labelled `alertname`, `severity`, `tenant`, the rule's labels and
    /// the group value.
    public static func alertmanager(
        rule: AlertRule, group: String?, startsAt: Timestamp, endsAt: Timestamp, links: AlertLinks
    ) throws -> String {
        var labels = rule.labels
        labels["alertname"] = rule.name
        labels["severity"] = rule.severity.rawValue
        labels["tenant"] = rule.tenant
        labels["logsmith_rule_id"] = rule.id
        if let field = rule.groupBy {
            labels[labelName(field)] = group ?? ""
        }
        return try encode(
            [
                AlertmanagerAlert(
                    labels: labels, annotations: rule.annotations, startsAt: startsAt.rfc3339, endsAt: endsAt.rfc3339,
                    generatorURL: links.explorer)
            ], snakeCase: false)
    }

    /// A label name for a field: Prometheus allows letters, digits and `_`.
    static func labelName(_ field: String) -> String {
        String(field.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
    }

    /// The name a condition goes by in rule bodies and payloads.
    public static func conditionType(_ condition: AlertCondition) -> String {
        switch condition {
        case .count: "count"
        case .ratio: "ratio"
        case .change: "change"
        case .newPatterns: "new_patterns"
        }
    }

    private static func encode(_ value: some Encodable, snakeCase: Bool) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        if snakeCase { encoder.keyEncodingStrategy = .convertToSnakeCase }
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    private struct WebhookBody: Encodable {
        struct Rule: Encodable {
            var id, name, severity, query: String
            var windowSeconds: Int
            var labels, annotations: [String: String]
        }
        struct Group: Encodable {
            var field: String
            var value: String?
        }
        struct Condition: Encodable {
            var type, comparison: String
            var threshold: Double
        }
        var deliveryID, tenant, instanceID: String
        var rule: Rule
        var state, previousState: String
        var group: Group?
        var value: Double?
        var condition: Condition
        var at, actor: String
        var comment: String?
        var links: AlertLinks
    }

    private struct AlertmanagerAlert: Encodable {
        var labels, annotations: [String: String]
        var startsAt, endsAt, generatorURL: String
    }
}
