public import LogModel
public import Stores

/// What a transition owes its rule's targets: firing and resolved go to every target (a webhook
/// body signed when sent; Alertmanager's alert, ending at the transition when resolved), a reminder
/// to the webhooks; pending and inactive only to history and the log.
public enum AlertDeliveries {
    /// The deliveries of `transition`, for `instance` as the transition left it. A reminder (firing
    /// to firing) goes to the webhooks only: Alertmanager hears a firing alert at every evaluation.
    public static func owed(
        by transition: AlertTransition, rule: AlertRule, instance: AlertInstance, links: AlertLinks
    ) throws -> [AlertDelivery] {
        guard [.firing, .resolved].contains(transition.to) else { return [] }
        let reminder = transition.from == .firing && transition.to == .firing
        return try rule.targets.enumerated().filter { !reminder || $0.element.kind == .webhook }.map { index, target in
            let id = "\(transition.id)#\(index)"
            let body: String
            switch target.kind {
            case .webhook:
                body = try AlertPayloads.webhook(rule: rule, transition: transition, deliveryID: id, links: links)
            case .alertmanager:
                body = try AlertPayloads.alertmanager(
                    rule: rule, group: instance.group, startsAt: instance.activeSince ?? transition.at,
                    endsAt: transition.to == .resolved ? transition.at : alertmanagerEnd(rule, from: transition.at),
                    links: links)
            }
            return AlertDelivery(
                id: id, tenant: rule.tenant, ruleID: rule.id, transitionID: transition.id, target: target, body: body,
                createdAt: transition.at, nextAttemptAt: transition.at)
        }
    }

    /// When Alertmanager should consider a firing alert over if it hears nothing more: three
    /// intervals on, and at least five minutes.
    public static func alertmanagerEnd(_ rule: AlertRule, from time: Timestamp) -> Timestamp {
        time.adding(microseconds: Int64(max(3 * rule.intervalSeconds, 300)) * 1_000_000)
    }
}
