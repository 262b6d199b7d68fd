import Alerting
import Hummingbird
import LogModel
import Stores

/// A rule as the alerts API shows it: durations as text like the body takes them, never its secret.
struct AlertRuleView: ResponseEncodable {
    struct Condition: Encodable {
        var type: String
        var comparison: String
        var threshold: Double
        var of: String?
        var baseline: String?
    }

    struct Target: Encodable {
        var type: String
        var url: String
    }

    var id: String
    var name: String
    var q: String
    var window: String
    var interval: String
    var `for`: String
    var condition: Condition
    var severity: String
    var groupBy: String?
    var labels: [String: String]
    var annotations: [String: String]
    var targets: [Target]
    var enabled: Bool
    var createdAt: Timestamp
    var updatedAt: Timestamp

    init(_ rule: AlertRule) {
        id = rule.id
        name = rule.name
        q = rule.query
        window = AnalyticsInterval.text(Int64(rule.windowSeconds))
        interval = AnalyticsInterval.text(Int64(rule.intervalSeconds))
        self.for = AnalyticsInterval.text(Int64(rule.forSeconds))
        let (comparison, threshold) = rule.condition.test
        condition = Condition(
            type: AlertPayloads.conditionType(rule.condition), comparison: comparison.rawValue, threshold: threshold)
        switch rule.condition {
        case .ratio(let of, _, _): condition.of = of
        case .change(let baselineSeconds, _, _): condition.baseline = baselineSeconds == 86_400 ? "1d" : "1w"
        case .count, .newPatterns: break
        }
        severity = rule.severity.rawValue
        groupBy = rule.groupBy
        labels = rule.labels
        annotations = rule.annotations
        targets = rule.targets.map { Target(type: $0.kind.rawValue, url: $0.url) }
        enabled = rule.enabled
        createdAt = rule.createdAt
        updatedAt = rule.updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, name, q, window, interval, `for`, condition, severity, labels, annotations, targets, enabled
        case groupBy = "group_by"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

/// A new rule: its view and, this once, the secret its webhooks are signed with.
struct NewAlertRuleView: ResponseEncodable {
    var rule: AlertRuleView
    var webhookSecret: String

    enum CodingKeys: String, CodingKey {
        case rule
        case webhookSecret = "webhook_secret"
    }
}

/// A tenant's rules.
struct AlertRulesView: ResponseEncodable {
    var rules: [AlertRuleView]
}

/// An alert instance with the links that show its records.
struct AlertInstanceView: ResponseEncodable {
    var id: String
    var ruleID: String
    var ruleName: String
    var severity: String
    var group: String?
    var state: String
    var value: Double?
    var stateSince: Timestamp
    var activeSince: Timestamp?
    var evaluatedAt: Timestamp
    var acknowledgement: AlertAcknowledgement?
    var links: AlertLinks

    init(_ instance: AlertInstance, rule: AlertRule, baseURL: String) {
        id = instance.id
        ruleID = rule.id
        ruleName = rule.name
        severity = rule.severity.rawValue
        group = instance.group
        state = instance.state.rawValue
        value = instance.value
        stateSince = instance.stateSince
        activeSince = instance.activeSince
        evaluatedAt = instance.evaluatedAt
        acknowledgement = instance.acknowledgement
        links = AlertLinks(baseURL: baseURL, rule: rule, group: instance.group, end: instance.evaluatedAt)
    }

    enum CodingKeys: String, CodingKey {
        case id, severity, group, state, value, acknowledgement, links
        case ruleID = "rule_id"
        case ruleName = "rule_name"
        case stateSince = "state_since"
        case activeSince = "active_since"
        case evaluatedAt = "evaluated_at"
    }
}

/// The current instances.
struct AlertInstancesView: ResponseEncodable {
    var alerts: [AlertInstanceView]
}

/// One transition of the history.
struct AlertTransitionView: Encodable {
    var id: String
    var ruleID: String
    var ruleName: String
    var instanceID: String
    var group: String?
    var from: String
    var to: String
    var value: Double?
    var at: Timestamp
    var actor: String
    var comment: String?

    init(_ transition: AlertTransition) {
        id = transition.id
        ruleID = transition.ruleID
        ruleName = transition.ruleName
        instanceID = transition.instanceID
        group = transition.group
        from = transition.from.rawValue
        to = transition.to.rawValue
        value = transition.value
        at = transition.at
        actor = transition.actor
        comment = transition.comment
    }

    enum CodingKeys: String, CodingKey {
        case id, group, from, to, value, at, actor, comment
        case ruleID = "rule_id"
        case ruleName = "rule_name"
        case instanceID = "instance_id"
    }
}

/// A page of history, newest first.
struct AlertHistoryView: ResponseEncodable {
    var transitions: [AlertTransitionView]
    var nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case transitions
        case nextCursor = "next_cursor"
    }
}

/// A delivery with its attempts.
struct AlertDeliveryView: Encodable {
    struct Attempt: Encodable {
        var number: Int
        var at: Timestamp
        var statusCode: Int?
        var error: String?
        var milliseconds: Int

        enum CodingKeys: String, CodingKey {
            case number, at, error, milliseconds
            case statusCode = "status_code"
        }
    }

    var id: String
    var ruleID: String
    var transitionID: String
    var target: AlertRuleView.Target
    var status: String
    var createdAt: Timestamp
    var nextAttemptAt: Timestamp?
    var lastError: String?
    var attempts: [Attempt]

    init(_ delivery: AlertDelivery, attempts: [AlertDeliveryAttempt]) {
        id = delivery.id
        ruleID = delivery.ruleID
        transitionID = delivery.transitionID
        target = .init(type: delivery.target.kind.rawValue, url: delivery.target.url)
        status = delivery.status.rawValue
        createdAt = delivery.createdAt
        nextAttemptAt = delivery.status == .pending ? delivery.nextAttemptAt : nil
        lastError = delivery.lastError
        self.attempts = attempts.map {
            Attempt(
                number: $0.number, at: $0.at, statusCode: $0.statusCode, error: $0.error, milliseconds: $0.milliseconds)
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, target, status, attempts
        case ruleID = "rule_id"
        case transitionID = "transition_id"
        case createdAt = "created_at"
        case nextAttemptAt = "next_attempt_at"
        case lastError = "last_error"
    }
}

/// A page of deliveries, newest first.
struct AlertDeliveriesView: ResponseEncodable {
    var deliveries: [AlertDeliveryView]
    var nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case deliveries
        case nextCursor = "next_cursor"
    }
}
