public import LogModel
public import Stores

/// What people do to an alert instance by hand: acknowledge a firing one (no more reminders until it
/// resolves) or resolve it (told to every target like any resolution; if the condition still holds,
/// the next evaluation starts it again).
public struct AlertActions<Alerts: AlertStore>: Sendable {
    /// Why an action was refused.
    public enum Refusal: Error, Sendable, Hashable {
        /// The tenant has no such instance (or no longer the rule).
        case notFound
        /// The instance is not in a state the action applies to.
        case notApplicable(AlertState)
    }

    private let alerts: Alerts
    private let baseURL: String

    /// Creates the actions over `alerts`, linking to `baseURL`.
    public init(alerts: Alerts, baseURL: String) {
        self.alerts = alerts
        self.baseURL = baseURL
    }

    /// Acknowledges a firing instance as `actor`; history records it.
    public func acknowledge(tenant: String, instanceID: String, actor: String, comment: String, at now: Timestamp)
        async throws -> AlertInstance
    {
        var (instance, rule) = try await load(tenant: tenant, instanceID: instanceID)
        guard instance.state == .firing else { throw Refusal.notApplicable(instance.state) }
        instance.acknowledgement = AlertAcknowledgement(by: actor, at: now, comment: comment)
        let transition = AlertTransition(
            id: "\(instance.id)/\(instance.version)/ack-\(now.microseconds)", tenant: tenant, ruleID: rule.id,
            ruleName: rule.name, instanceID: instance.id, group: instance.group, from: .firing, to: .firing,
            value: instance.value, at: now, actor: actor, comment: "acknowledged: \(comment)")
        try await alerts.record(transition, instance: instance, deliveries: [])
        return instance
    }

    /// Resolves a pending or firing instance as `actor`, notifying the targets of a firing one.
    public func resolve(tenant: String, instanceID: String, actor: String, comment: String, at now: Timestamp)
        async throws -> AlertInstance
    {
        let (instance, rule) = try await load(tenant: tenant, instanceID: instanceID)
        guard [.pending, .firing].contains(instance.state) else { throw Refusal.notApplicable(instance.state) }
        var next = instance
        next.state = .resolved
        next.stateSince = now
        next.activeSince = nil
        next.acknowledgement = nil
        next.version += 1
        let transition = AlertTransition(
            id: "\(next.id)/\(next.version)", tenant: tenant, ruleID: rule.id, ruleName: rule.name, instanceID: next.id,
            group: next.group, from: instance.state, to: .resolved, value: instance.value, at: now, actor: actor,
            comment: comment)
        let owed =
            instance.state == .firing
            ? try AlertDeliveries.owed(
                by: transition, rule: rule, instance: next,
                links: AlertLinks(baseURL: baseURL, rule: rule, group: next.group, end: now)) : []
        try await alerts.record(transition, instance: next, deliveries: owed)
        return next
    }

    private func load(tenant: String, instanceID: String) async throws -> (AlertInstance, AlertRule) {
        guard let instance = try await alerts.instance(tenant: tenant, id: instanceID),
            let rule = try await alerts.rule(tenant: tenant, id: instance.ruleID)
        else { throw Refusal.notFound }
        return (instance, rule)
    }
}
