public import LogModel

/// Durable storage of alert rules, their instances' states, the history of transitions and the
/// notifications owed for them.
///
/// Implementations: ``PostgresLogStore`` and ``SQLiteLogStore`` (through `alerts`), one contract test
/// suite for both.
///
/// Contract:
/// - Everything is scoped to one tenant except what the evaluator reads across tenants
///   (``dueRules(at:limit:)``, ``claimDueDeliveries(at:claimFor:limit:)``).
/// - ``record(_:instance:deliveries:)`` is idempotent: recording a transition whose ID is stored
///   stores nothing new for it, and a delivery whose ID is stored is not stored again, so an
///   evaluator that stopped halfway and is run again (by another replica) notifies once.
/// - A claimed delivery is not handed to another claimant before its claim runs out.
public protocol AlertStore: Sendable {
    /// Stores a new rule with the secret its webhooks are signed with.
    func createRule(_ rule: AlertRule, webhookSecret: String) async throws

    /// Replaces a rule's definition (its secret stays); false when the tenant has no such rule.
    func replaceRule(_ rule: AlertRule) async throws -> Bool

    /// Deletes a rule with its instances; false when the tenant has no such rule. History and
    /// deliveries stay.
    func deleteRule(tenant: String, id: String) async throws -> Bool

    /// One rule of the tenant.
    func rule(tenant: String, id: String) async throws -> AlertRule?

    /// The tenant's rules, by name.
    func rules(tenant: String) async throws -> [AlertRule]

    /// Enabled rules of every tenant whose next evaluation is due at `now`, most overdue first.
    func dueRules(at now: Timestamp, limit: Int) async throws -> [AlertRule]

    /// Sets when a rule is next evaluated.
    func scheduleRule(tenant: String, id: String, at time: Timestamp) async throws

    /// The secret a rule's webhooks are signed with.
    func webhookSecret(tenant: String, ruleID: String) async throws -> String?

    /// The tenant's instances, of one rule when given.
    func instances(tenant: String, ruleID: String?) async throws -> [AlertInstance]

    /// One instance of the tenant.
    func instance(tenant: String, id: String) async throws -> AlertInstance?

    /// Saves an instance as an evaluation left it without a transition (value, times).
    func saveInstance(_ instance: AlertInstance) async throws

    /// Records a transition, the deliveries it owes and the instance after it (see the contract).
    func record(_ transition: AlertTransition, instance: AlertInstance, deliveries: [AlertDelivery]) async throws

    /// The tenant's transitions, newest first, matching `filter`.
    func transitions(tenant: String, filter: AlertHistoryFilter) async throws -> [AlertTransition]

    /// Pending deliveries of every tenant due at `now`, each claimed until `now + claimFor`.
    func claimDueDeliveries(at now: Timestamp, claimFor: Duration, limit: Int) async throws -> [AlertDelivery]

    /// Stores an attempt and where its delivery stands after it (status, attempts, next attempt,
    /// last error), releasing the claim.
    func recordAttempt(_ attempt: AlertDeliveryAttempt, delivery: AlertDelivery) async throws

    /// The tenant's deliveries, newest first, of one rule when given, before a sequence when given.
    func deliveries(tenant: String, ruleID: String?, before: Int64?, limit: Int) async throws -> [AlertDelivery]

    /// The attempts of some deliveries, oldest first.
    func attempts(deliveryIDs: [String]) async throws -> [AlertDeliveryAttempt]
}

/// Which transitions a history listing returns.
public struct AlertHistoryFilter: Sendable, Hashable {
    /// One rule's only.
    public var ruleID: String?
    /// Into this state only.
    public var state: AlertState?
    /// Of this group value only.
    public var group: String?
    /// Older than this sequence (the cursor).
    public var before: Int64?
    /// At most this many.
    public var limit: Int

    /// Creates a filter.
    public init(
        ruleID: String? = nil, state: AlertState? = nil, group: String? = nil, before: Int64? = nil, limit: Int = 100
    ) {
        self.ruleID = ruleID
        self.state = state
        self.group = group
        self.before = before
        self.limit = limit
    }
}
