import Access
import Alerting
import Foundation
import HTTPTypes
import Hummingbird
import LogModel
import Stores

/// The alerts API: rules under `/api/v1/alerts/rules` (admin scope to change, read scope to list),
/// the current instances (`/api/v1/alerts`), their history and the delivery log (read scope), and
/// acknowledging or resolving an instance by hand (admin scope). Every change writes an audit line.
struct AlertRoutes<Alerts: AlertStore> {
    let alerts: Alerts
    let policy: TargetAddressPolicy
    /// The service's public address, for links.
    let baseURL: String
    /// The Alertmanager of targets that name none.
    let alertmanagerURL: String?
    /// The most rules one tenant may have, so that no tenant's rules take every evaluation.
    let maxRulesPerTenant: Int

    private static var maxPage: Int { 500 }

    func register(on router: Router<AppRequestContext>) {
        let group = router.group("/api/v1/alerts")
        group.post("/rules") { request, context in try await create(request, context) }
        group.get("/rules") { _, context in
            let tenant = try context.require(.read).tenant
            return AlertRulesView(rules: try await alerts.rules(tenant: tenant).map(AlertRuleView.init))
        }
        group.get("/rules/:id") { _, context in
            let tenant = try context.require(.read).tenant
            return AlertRuleView(try await rule(tenant: tenant, id: try context.parameters.require("id")))
        }
        group.put("/rules/:id") { request, context in try await replace(request, context) }
        group.delete("/rules/:id") { _, context in
            let identity = try context.require(.admin)
            let id = try context.parameters.require("id")
            guard try await alerts.deleteRule(tenant: identity.tenant, id: id) else { throw Self.noRule }
            audit(context, identity, action: "alert_rule.delete", target: id)
            return HTTPResponse.Status.noContent
        }
        group.get { request, context in try await current(request, context) }
        group.get("/history") { request, context in try await history(request, context) }
        group.get("/deliveries") { request, context in try await deliveries(request, context) }
        group.post("/:id/ack") { request, context in
            try await act(request, context, action: "alert.ack") { actions, tenant, id, actor, comment in
                try await actions.acknowledge(
                    tenant: tenant, instanceID: id, actor: actor, comment: comment, at: .now())
            }
        }
        group.post("/:id/resolve") { request, context in
            try await act(request, context, action: "alert.resolve") { actions, tenant, id, actor, comment in
                try await actions.resolve(tenant: tenant, instanceID: id, actor: actor, comment: comment, at: .now())
            }
        }
    }

    private static var noRule: Problem {
        Problem(status: .notFound, kind: "not-found", detail: "no alert rule with this id")
    }

    private func rule(tenant: String, id: String) async throws -> AlertRule {
        guard let rule = try await alerts.rule(tenant: tenant, id: id) else { throw Self.noRule }
        return rule
    }

    private func create(_ request: Request, _ context: AppRequestContext) async throws
        -> EditedResponse<NewAlertRuleView>
    {
        let identity = try context.require(.admin)
        let body = try await decodeJSONBody(AlertRuleBody.self, from: request)
        let existing = try await alerts.rules(tenant: identity.tenant).count
        guard existing < maxRulesPerTenant else {
            throw Problem(
                status: .conflict, kind: "too-many-rules",
                detail: "the tenant has \(existing) alert rules, the most LOGSMITH_ALERT_RULES_PER_TENANT allows; "
                    + "delete one or raise the setting")
        }
        let now = Timestamp.now()
        let rule = try body.rule(
            id: UUID().uuidString.lowercased(), tenant: identity.tenant, createdAt: now, now: now, policy: policy,
            alertmanagerURL: alertmanagerURL)
        let secret = APIKeySecret.randomSigningSecret()
        try await alerts.createRule(rule, webhookSecret: secret)
        audit(context, identity, action: "alert_rule.create", target: rule.id)
        return EditedResponse(
            status: .created, response: NewAlertRuleView(rule: AlertRuleView(rule), webhookSecret: secret))
    }

    private func replace(_ request: Request, _ context: AppRequestContext) async throws -> AlertRuleView {
        let identity = try context.require(.admin)
        let id = try context.parameters.require("id")
        let existing = try await rule(tenant: identity.tenant, id: id)
        let body = try await decodeJSONBody(AlertRuleBody.self, from: request)
        let rule = try body.rule(
            id: id, tenant: identity.tenant, createdAt: existing.createdAt, now: .now(), policy: policy,
            alertmanagerURL: alertmanagerURL)
        guard try await alerts.replaceRule(rule) else { throw Self.noRule }
        audit(context, identity, action: "alert_rule.replace", target: id)
        return AlertRuleView(rule)
    }

    private func current(_ request: Request, _ context: AppRequestContext) async throws -> AlertInstancesView {
        let tenant = try context.require(.read).tenant
        let parameters = try FormQuery(request.uri.query)
        let state = try Self.state(parameters)
        let rules = Dictionary(try await alerts.rules(tenant: tenant).map { ($0.id, $0) }) { first, _ in first }
        let instances = try await alerts.instances(tenant: tenant, ruleID: parameters["rule"])
        return AlertInstancesView(
            alerts: instances.compactMap { instance in
                guard let rule = rules[instance.ruleID], state == nil || instance.state == state else { return nil }
                return AlertInstanceView(instance, rule: rule, baseURL: baseURL)
            })
    }

    private func history(_ request: Request, _ context: AppRequestContext) async throws -> AlertHistoryView {
        let tenant = try context.require(.read).tenant
        let parameters = try FormQuery(request.uri.query)
        let limit = try Self.limit(parameters)
        let transitions = try await alerts.transitions(
            tenant: tenant,
            filter: AlertHistoryFilter(
                ruleID: parameters["rule"], state: try Self.state(parameters), group: parameters["group"],
                before: try Self.cursor(parameters), limit: limit))
        return AlertHistoryView(
            transitions: transitions.map(AlertTransitionView.init),
            nextCursor: transitions.count == limit ? transitions.last.map { String($0.sequence) } : nil)
    }

    private func deliveries(_ request: Request, _ context: AppRequestContext) async throws -> AlertDeliveriesView {
        let tenant = try context.require(.read).tenant
        let parameters = try FormQuery(request.uri.query)
        let limit = try Self.limit(parameters)
        let deliveries = try await alerts.deliveries(
            tenant: tenant, ruleID: parameters["rule"], before: try Self.cursor(parameters), limit: limit)
        let attempts = Dictionary(
            grouping: try await alerts.attempts(deliveryIDs: deliveries.map(\.id)), by: \.deliveryID)
        return AlertDeliveriesView(
            deliveries: deliveries.map { AlertDeliveryView($0, attempts: attempts[$0.id] ?? []) },
            nextCursor: deliveries.count == limit ? deliveries.last.map { String($0.sequence) } : nil)
    }

    /// The body of ack and resolve: an optional comment.
    private struct ActionBody: Decodable {
        var comment: String?
    }

    private func act(
        _ request: Request, _ context: AppRequestContext, action: String,
        _ perform: (AlertActions<Alerts>, String, String, String, String) async throws -> AlertInstance
    ) async throws -> AlertInstanceView {
        let identity = try context.require(.admin)
        let id = try context.parameters.require("id")
        let body = try await Self.actionBody(request)
        let comment = body.comment ?? ""
        guard comment.count <= 1000 else {
            throw Problem.badField([ActionKey.comment], "must be at most 1000 characters")
        }
        let instance: AlertInstance
        do {
            instance = try await perform(
                AlertActions(alerts: alerts, baseURL: baseURL), identity.tenant, id, identity.actor, comment)
        } catch AlertActions<Alerts>.Refusal.notFound {
            throw Problem(status: .notFound, kind: "not-found", detail: "no alert with this id")
        } catch AlertActions<Alerts>.Refusal.notApplicable(let state) {
            throw Problem(status: .conflict, kind: "conflict", detail: "the alert is \(state.rawValue)")
        }
        audit(context, identity, action: action, target: id)
        let rule = try await rule(tenant: identity.tenant, id: instance.ruleID)
        return AlertInstanceView(instance, rule: rule, baseURL: baseURL)
    }

    private enum ActionKey: String, CodingKey { case comment }

    /// The body of ack and resolve, which may be empty.
    private static func actionBody(_ request: Request) async throws -> ActionBody {
        var request = request
        let bytes = try await request.collectBody(upTo: 65_536)
        guard bytes.readableBytes > 0 else { return ActionBody() }
        return try await decodeJSONBody(ActionBody.self, from: request)
    }

    private static func state(_ parameters: FormQuery) throws -> AlertState? {
        guard let text = parameters["state"] else { return nil }
        guard let state = AlertState(rawValue: text) else {
            throw Problem.badParameter("state", "must be inactive, pending, firing or resolved")
        }
        return state
    }

    private static func limit(_ parameters: FormQuery) throws -> Int {
        guard let text = parameters["limit"] else { return 100 }
        guard let limit = Int(text), (1...maxPage).contains(limit) else {
            throw Problem.badParameter("limit", "must be 1-\(maxPage)")
        }
        return limit
    }

    private static func cursor(_ parameters: FormQuery) throws -> Int64? {
        guard let text = parameters["cursor"] else { return nil }
        guard let cursor = Int64(text), cursor > 0 else {
            throw Problem.badParameter("cursor", "is not a cursor from a previous page")
        }
        return cursor
    }

    private func audit(_ context: AppRequestContext, _ identity: Identity, action: String, target: String) {
        auditLog(context.logger, actor: identity.actor, tenant: identity.tenant, action: action, target: target)
    }
}
