import Foundation
import LogModel
import Stores
import Testing

/// The alert store on every store: rules by tenant, due rules across tenants, instances and
/// transitions recorded idempotently, deliveries claimed by one claimant at a time with their
/// attempts.
@Suite("Alert store contract")
struct AlertStoreContractTests {
    @Test("rules are created, listed by tenant, replaced, scheduled and deleted", arguments: StoreKind.allCases)
    func rules_lifecycle(kind: StoreKind) async throws {
        try await withAlertStore(kind) { alerts in
            let tenant = uniqueTenant()
            let rule = makeRule(tenant: tenant, name: "b errors")
            let other = makeRule(tenant: tenant, name: "a silence", condition: .count(.less, threshold: 1))
            let foreign = makeRule(tenant: uniqueTenant(), name: "foreign")
            for created in [rule, other, foreign] {
                try await alerts.createRule(created, webhookSecret: "s-\(created.id)")
            }
            #expect(try await alerts.rules(tenant: tenant).map(\.name) == ["a silence", "b errors"])
            #expect(try await alerts.rule(tenant: tenant, id: rule.id) == rule)
            #expect(try await alerts.rule(tenant: tenant, id: foreign.id) == nil)
            #expect(try await alerts.webhookSecret(tenant: tenant, ruleID: rule.id) == "s-\(rule.id)")
            #expect(try await alerts.webhookSecret(tenant: tenant, ruleID: foreign.id) == nil)

            var changed = rule
            changed.name = "c errors"
            changed.condition = .ratio(of: "service:api", .greater, threshold: 0.25)
            changed.groupBy = "service"
            changed.updatedAt = baseTime.adding(microseconds: 5_000_000)
            #expect(try await alerts.replaceRule(changed))
            #expect(try await alerts.rule(tenant: tenant, id: rule.id) == changed)
            var stranger = changed
            stranger.tenant = uniqueTenant()
            #expect(try await !alerts.replaceRule(stranger))

            let due = try await alerts.dueRules(at: baseTime.adding(microseconds: 5_000_000), limit: 1000)
            #expect(Set(due.map(\.id)).isSuperset(of: [rule.id, other.id, foreign.id]))
            try await alerts.scheduleRule(tenant: tenant, id: other.id, at: baseTime.adding(microseconds: 60_000_000))
            let later = try await alerts.dueRules(at: baseTime.adding(microseconds: 30_000_000), limit: 1000)
            #expect(later.contains { $0.id == rule.id } && !later.contains { $0.id == other.id })

            #expect(try await alerts.deleteRule(tenant: tenant, id: rule.id))
            #expect(try await !alerts.deleteRule(tenant: tenant, id: rule.id))
            #expect(try await !alerts.deleteRule(tenant: tenant, id: foreign.id))
            #expect(try await alerts.rules(tenant: tenant).map(\.id) == [other.id])
        }
    }

    @Test("a transition recorded twice is stored once, with its deliveries once", arguments: StoreKind.allCases)
    func transitions_areIdempotent(kind: StoreKind) async throws {
        try await withAlertStore(kind) { alerts in
            let tenant = uniqueTenant()
            let rule = makeRule(tenant: tenant, name: "errors")
            try await alerts.createRule(rule, webhookSecret: "secret")
            var instance = AlertInstance(
                id: UUID().uuidString, tenant: tenant, ruleID: rule.id, group: "api", state: .inactive, value: 0,
                stateSince: baseTime, activeSince: nil, evaluatedAt: baseTime, version: 0)
            try await alerts.saveInstance(instance)
            instance.state = .firing
            instance.value = 12.5
            instance.version = 1
            instance.activeSince = baseTime
            let transition = AlertTransition(
                id: "\(instance.id)/1", tenant: tenant, ruleID: rule.id, ruleName: rule.name, instanceID: instance.id,
                group: "api", from: .inactive, to: .firing, value: 12.5, at: baseTime, actor: "evaluator")
            let deliveries = rule.targets.indices.map { index in
                AlertDelivery(
                    id: "\(transition.id)#\(index)", tenant: tenant, ruleID: rule.id, transitionID: transition.id,
                    target: rule.targets[index], body: "{\"n\":\(index)}", createdAt: baseTime, nextAttemptAt: baseTime)
            }
            try await alerts.record(transition, instance: instance, deliveries: deliveries)
            try await alerts.record(transition, instance: instance, deliveries: deliveries)

            #expect(try await alerts.instance(tenant: tenant, id: instance.id) == instance)
            #expect(try await alerts.instance(tenant: uniqueTenant(), id: instance.id) == nil)
            let instances = try await alerts.instances(tenant: tenant, ruleID: rule.id)
            #expect(instances == [instance])
            let history = try await alerts.transitions(tenant: tenant, filter: AlertHistoryFilter())
            #expect(history.count == 1)
            #expect(history.first?.to == .firing && history.first?.value == 12.5 && history.first?.group == "api")
            let stored = try await alerts.deliveries(tenant: tenant, ruleID: rule.id, before: nil, limit: 10)
            #expect(Set(stored.map(\.id)) == Set(deliveries.map(\.id)))
            #expect(try await alerts.deliveries(tenant: uniqueTenant(), ruleID: nil, before: nil, limit: 10).isEmpty)
        }
    }

    @Test("history pages newest first by sequence and filters by rule, state and group", arguments: StoreKind.allCases)
    func history_pagesAndFilters(kind: StoreKind) async throws {
        try await withAlertStore(kind) { alerts in
            let tenant = uniqueTenant()
            let states: [AlertState] = [.pending, .firing, .resolved, .pending, .firing]
            for (version, state) in states.enumerated() {
                let instance = AlertInstance(
                    id: "instance", tenant: tenant, ruleID: version < 3 ? "r1" : "r2",
                    group: version.isMultiple(of: 2) ? "a" : "b",
                    state: state, value: Double(version), stateSince: baseTime, activeSince: nil, evaluatedAt: baseTime,
                    version: version + 1)
                let transition = AlertTransition(
                    id: "\(tenant)/\(version)", tenant: tenant, ruleID: instance.ruleID, ruleName: "r",
                    instanceID: instance.id, group: instance.group, from: .inactive, to: state, value: Double(version),
                    at: baseTime.adding(microseconds: Int64(version)), actor: "evaluator")
                try await alerts.record(transition, instance: instance, deliveries: [])
            }
            let first = try await alerts.transitions(tenant: tenant, filter: AlertHistoryFilter(limit: 2))
            #expect(first.map(\.value) == [4, 3])
            let second = try await alerts.transitions(
                tenant: tenant, filter: AlertHistoryFilter(before: first.last?.sequence, limit: 2))
            #expect(second.map(\.value) == [2, 1])
            #expect(
                try await alerts.transitions(tenant: tenant, filter: AlertHistoryFilter(ruleID: "r2")).map(\.value) == [
                    4, 3,
                ])
            #expect(
                try await alerts.transitions(tenant: tenant, filter: AlertHistoryFilter(state: .firing)).map(\.value)
                    == [4, 1])
            #expect(
                try await alerts.transitions(tenant: tenant, filter: AlertHistoryFilter(group: "a")).map(\.value) == [
                    4, 2, 0,
                ])
        }
    }

    @Test("a due delivery is claimed once until its claim runs out; attempts are kept", arguments: StoreKind.allCases)
    func deliveries_areClaimedOnce(kind: StoreKind) async throws {
        try await withAlertStore(kind) { alerts in
            let tenant = uniqueTenant()
            let delivery = AlertDelivery(
                id: "\(tenant)/1#0", tenant: tenant, ruleID: "r", transitionID: "\(tenant)/1",
                target: AlertTarget(kind: .webhook, url: "http://127.0.0.1:9/hook"), body: "{}", createdAt: baseTime,
                nextAttemptAt: baseTime)
            let transition = AlertTransition(
                id: "\(tenant)/1", tenant: tenant, ruleID: "r", ruleName: "r", instanceID: "i", group: nil,
                from: .inactive,
                to: .firing, value: 1, at: baseTime, actor: "evaluator")
            let instance = AlertInstance(
                id: "i-\(tenant)", tenant: tenant, ruleID: "r", group: nil, state: .firing, value: 1,
                stateSince: baseTime,
                activeSince: baseTime, evaluatedAt: baseTime, version: 1)
            try await alerts.record(transition, instance: instance, deliveries: [delivery])

            let now = baseTime.adding(microseconds: 1_000_000)
            let claimed = try await alerts.claimDueDeliveries(at: now, claimFor: .seconds(30), limit: 100)
            #expect(claimed.filter { $0.tenant == tenant }.map(\.id) == [delivery.id])
            #expect(
                try await alerts.claimDueDeliveries(at: now, claimFor: .seconds(30), limit: 100).filter {
                    $0.tenant == tenant
                }.isEmpty)
            let afterClaim = now.adding(microseconds: 31_000_000)
            #expect(
                try await alerts.claimDueDeliveries(at: afterClaim, claimFor: .seconds(30), limit: 100).contains {
                    $0.id == delivery.id
                })

            var retried = delivery
            retried.attempts = 1
            retried.lastError = "HTTP 503"
            retried.nextAttemptAt = afterClaim.adding(microseconds: 2_000_000)
            try await alerts.recordAttempt(
                AlertDeliveryAttempt(
                    deliveryID: delivery.id, number: 1, at: afterClaim, statusCode: 503, error: "HTTP 503",
                    milliseconds: 4),
                delivery: retried)
            #expect(
                try await alerts.claimDueDeliveries(at: afterClaim, claimFor: .seconds(30), limit: 100).filter {
                    $0.tenant == tenant
                }.isEmpty)
            let due = retried.nextAttemptAt
            #expect(
                try await alerts.claimDueDeliveries(at: due, claimFor: .seconds(30), limit: 100).contains {
                    $0.id == delivery.id
                })
            var delivered = retried
            delivered.attempts = 2
            delivered.status = .delivered
            delivered.lastError = nil
            try await alerts.recordAttempt(
                AlertDeliveryAttempt(
                    deliveryID: delivery.id, number: 2, at: due, statusCode: 200, error: nil, milliseconds: 3),
                delivery: delivered)
            #expect(
                try await alerts.claimDueDeliveries(
                    at: due.adding(microseconds: 60_000_000), claimFor: .seconds(30), limit: 100
                ).filter { $0.tenant == tenant }.isEmpty)
            let stored = try await alerts.deliveries(tenant: tenant, ruleID: nil, before: nil, limit: 10)
            #expect(stored.map(\.status) == [.delivered] && stored.first?.attempts == 2)
            let attempts = try await alerts.attempts(deliveryIDs: [delivery.id])
            #expect(attempts.map(\.statusCode) == [503, 200] && attempts.first?.error == "HTTP 503")
        }
    }
}

/// Runs `body` with the alert store of a `kind` store on a database of the test's own: a Logsmith
/// that other tests run on the shared database would evaluate these rules.
func withAlertStore(_ kind: StoreKind, _ body: @Sendable (any AlertStore) async throws -> Void) async throws {
    try await withAlertingStore(kind) { _, alerts in try await body(alerts) }
}

/// A rule with a count condition and two targets, created at ``baseTime``.
func makeRule(
    tenant: String, name: String, condition: AlertCondition = .count(.greater, threshold: 10)
) -> AlertRule {
    AlertRule(
        id: UUID().uuidString, tenant: tenant, name: name, query: "level:>=error", windowSeconds: 300,
        intervalSeconds: 60, forSeconds: 0, condition: condition, severity: .page, groupBy: nil,
        labels: ["team": "payments"], annotations: ["summary": "errors"],
        targets: [
            AlertTarget(kind: .webhook, url: "http://127.0.0.1:9/hook"),
            AlertTarget(kind: .alertmanager, url: "http://127.0.0.1:9093"),
        ], enabled: true, createdAt: baseTime, updatedAt: baseTime)
}
