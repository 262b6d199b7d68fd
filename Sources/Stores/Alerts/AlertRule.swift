public import LogModel

/// A tenant's alert rule: a query counted over a sliding window every interval, a condition on
/// that count, and where to say when the condition starts or stops holding.
public struct AlertRule: Sendable, Hashable, Codable {
    /// The rule's ID (a UUID), unique across tenants.
    public var id: String
    /// The tenant whose records the rule counts.
    public var tenant: String
    /// A name for people (the `alertname` label in Alertmanager).
    public var name: String
    /// The query, in the search language.
    public var query: String
    /// Seconds of records each evaluation counts, ending at the evaluation.
    public var windowSeconds: Int
    /// Seconds between evaluations.
    public var intervalSeconds: Int
    /// Seconds the condition must hold before the alert fires (pending until then).
    public var forSeconds: Int
    /// What the count is compared with.
    public var condition: AlertCondition
    /// How urgent a firing alert is.
    public var severity: AlertSeverity
    /// The field whose values each get an alert of their own (`service`); nil for one alert.
    public var groupBy: String?
    /// Labels added to every notification.
    public var labels: [String: String]
    /// `summary`, `description`, `runbook_url` and any others, sent with every notification.
    public var annotations: [String: String]
    /// Where transitions are sent (the service's own log always hears them).
    public var targets: [AlertTarget]
    /// Whether the rule is evaluated.
    public var enabled: Bool
    /// When the rule was created.
    public var createdAt: Timestamp
    /// When the rule was last changed.
    public var updatedAt: Timestamp

    /// Creates a rule.
    public init(
        id: String, tenant: String, name: String, query: String, windowSeconds: Int, intervalSeconds: Int,
        forSeconds: Int, condition: AlertCondition, severity: AlertSeverity, groupBy: String?,
        labels: [String: String], annotations: [String: String], targets: [AlertTarget], enabled: Bool,
        createdAt: Timestamp, updatedAt: Timestamp
    ) {
        self.id = id
        self.tenant = tenant
        self.name = name
        self.query = query
        self.windowSeconds = windowSeconds
        self.intervalSeconds = intervalSeconds
        self.forSeconds = forSeconds
        self.condition = condition
        self.severity = severity
        self.groupBy = groupBy
        self.labels = labels
        self.annotations = annotations
        self.targets = targets
        self.enabled = enabled
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// How urgent an alert is.
public enum AlertSeverity: String, Sendable, Hashable, Codable, CaseIterable {
    /// Wake someone up.
    case page
    /// Someone should look during working hours.
    case ticket
    /// For the record.
    case info
}

/// A comparison of a value with a threshold.
public enum AlertComparison: String, Sendable, Hashable, Codable, CaseIterable {
    case greater = ">"
    case greaterOrEqual = ">="
    case less = "<"
    case lessOrEqual = "<="

    /// Whether `value` compares so with `threshold`.
    public func holds(_ value: Double, _ threshold: Double) -> Bool {
        switch self {
        case .greater: value > threshold
        case .greaterOrEqual: value >= threshold
        case .less: value < threshold
        case .lessOrEqual: value <= threshold
        }
    }
}

/// What an evaluation compares: the window's count, its share of a second query's count, its change
/// against the same window earlier, or the number of patterns first seen in the window.
public enum AlertCondition: Sendable, Hashable, Codable {
    /// The count of matching records `comparison` `threshold` (`< 1`: silence).
    case count(AlertComparison, threshold: Double)
    /// The count over the count of `of` (a second query) in the same window and group; no value
    /// when `of` matches nothing.
    case ratio(of: String, AlertComparison, threshold: Double)
    /// The count over the count in the same window `baselineSeconds` earlier (a day or a week); no
    /// value when that window had none.
    case change(baselineSeconds: Int, AlertComparison, threshold: Double)
    /// Patterns whose first record falls in the window, among the matching records, `comparison`
    /// `threshold` (`> 0`: a message never seen before).
    case newPatterns(AlertComparison, threshold: Double)

    /// The comparison and threshold.
    public var test: (comparison: AlertComparison, threshold: Double) {
        switch self {
        case .count(let comparison, let threshold), .ratio(_, let comparison, let threshold),
            .change(_, let comparison, let threshold), .newPatterns(let comparison, let threshold):
            (comparison, threshold)
        }
    }
}

/// A place transitions are sent.
public struct AlertTarget: Sendable, Hashable, Codable {
    /// How the target is spoken to.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// A JSON POST signed with the rule's secret.
        case webhook
        /// Prometheus Alertmanager's `POST /api/v2/alerts`.
        case alertmanager
    }

    /// How the target is spoken to.
    public var kind: Kind
    /// The webhook's URL, or Alertmanager's base URL.
    public var url: String

    /// Creates a target.
    public init(kind: Kind, url: String) {
        self.kind = kind
        self.url = url
    }
}
