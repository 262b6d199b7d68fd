public import LogModel

/// The state an alert instance is in.
public enum AlertState: String, Sendable, Hashable, Codable, CaseIterable {
    /// The condition does not hold (or never did).
    case inactive
    /// The condition holds, not yet for the rule's `for`.
    case pending
    /// The condition has held for the rule's `for`.
    case firing
    /// It fired, and the condition stopped holding (or someone resolved it by hand).
    case resolved
}

/// One rule's alert for one group value (or the rule's only alert without grouping), as the last
/// evaluation left it.
public struct AlertInstance: Sendable, Hashable {
    /// The instance's ID (a UUID).
    public var id: String
    /// The tenant.
    public var tenant: String
    /// The rule.
    public var ruleID: String
    /// The group value; nil without grouping, or for records without the field.
    public var group: String?
    /// The state.
    public var state: AlertState
    /// The last evaluated value; nil when there was none (a ratio over nothing).
    public var value: Double?
    /// When the current state began.
    public var stateSince: Timestamp
    /// When the condition began to hold, while it holds.
    public var activeSince: Timestamp?
    /// The last evaluation that saw it.
    public var evaluatedAt: Timestamp
    /// Counts its transitions; each transition's ID is made from it, so a transition recorded twice
    /// is recorded once.
    public var version: Int
    /// Who acknowledged the current firing, and why; cleared when the instance resolves.
    public var acknowledgement: AlertAcknowledgement?
    /// When Alertmanager was last told it is firing.
    public var notifiedAt: Timestamp?

    /// Creates an instance.
    public init(
        id: String, tenant: String, ruleID: String, group: String?, state: AlertState, value: Double?,
        stateSince: Timestamp, activeSince: Timestamp?, evaluatedAt: Timestamp, version: Int,
        acknowledgement: AlertAcknowledgement? = nil, notifiedAt: Timestamp? = nil
    ) {
        self.id = id
        self.tenant = tenant
        self.ruleID = ruleID
        self.group = group
        self.state = state
        self.value = value
        self.stateSince = stateSince
        self.activeSince = activeSince
        self.evaluatedAt = evaluatedAt
        self.version = version
        self.acknowledgement = acknowledgement
        self.notifiedAt = notifiedAt
    }
}

/// Someone's acknowledgement of a firing alert: who, when, and what they said.
public struct AlertAcknowledgement: Sendable, Hashable, Codable {
    /// The actor (`user:ada`, `key:...`).
    public var by: String
    /// When.
    public var at: Timestamp
    /// What they said.
    public var comment: String

    /// Creates an acknowledgement.
    public init(by: String, at: Timestamp, comment: String) {
        self.by = by
        self.at = at
        self.comment = comment
    }
}

/// A change of an instance's state, as history keeps it.
public struct AlertTransition: Sendable, Hashable {
    /// `<instance>/<version>`: the same for the same change however often it is recorded.
    public var id: String
    /// The order transitions were stored in, across the tenant; set by the store.
    public var sequence: Int64
    /// The tenant.
    public var tenant: String
    /// The rule and its name at the time.
    public var ruleID: String
    /// The rule's name at the time.
    public var ruleName: String
    /// The instance.
    public var instanceID: String
    /// The instance's group value.
    public var group: String?
    /// The state before.
    public var from: AlertState
    /// The state after.
    public var to: AlertState
    /// The value that caused it (nil for a change by hand or a value-less evaluation).
    public var value: Double?
    /// When.
    public var at: Timestamp
    /// Who: `evaluator`, or the actor who resolved it by hand.
    public var actor: String
    /// Why, for a change by hand.
    public var comment: String?

    /// Creates a transition; the store assigns ``sequence``.
    public init(
        id: String, sequence: Int64 = 0, tenant: String, ruleID: String, ruleName: String, instanceID: String,
        group: String?, from: AlertState, to: AlertState, value: Double?, at: Timestamp, actor: String,
        comment: String? = nil
    ) {
        self.id = id
        self.sequence = sequence
        self.tenant = tenant
        self.ruleID = ruleID
        self.ruleName = ruleName
        self.instanceID = instanceID
        self.group = group
        self.from = from
        self.to = to
        self.value = value
        self.at = at
        self.actor = actor
        self.comment = comment
    }
}
