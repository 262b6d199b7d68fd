import Foundation
public import LogModel
public import Logging
public import ServiceLifecycle
public import Stores
import Synchronization
public import Telemetry
import Tracing

/// Evaluates due alert rules and sends what their transitions owe, once across every replica
/// sharing the database: each tick, the replica that wins the job's election (a PostgreSQL advisory
/// lock; in SQLite mode the one process) evaluates the rules whose interval has passed and works
/// through the due deliveries. A replica that dies releases the lock with its connection, and the
/// next tick of another takes over.
///
/// Each transition is stored with the deliveries it owes (webhooks and Alertmanager, for firing and
/// resolved) under IDs made from the instance's version, so a tick cut short and run again by
/// another replica records and sends each transition once. While an instance fires, Alertmanager
/// hears it again every evaluation (as it expects of a client), and webhooks get a reminder every
/// ``Settings/repeatInterval`` until someone acknowledges it.
public final class AlertEvaluator<Store: LogStore & PatternStore & JobElection, Alerts: AlertStore>: Service {
    /// Timing of the evaluator.
    public struct Settings: Sendable {
        /// Time between ticks.
        public var tick: Duration
        /// How long a delivery is retried before it is given up.
        public var retryWindow: Duration
        /// Time between webhook reminders of an unacknowledged firing alert; nil for none.
        public var repeatInterval: Duration?
        /// The service's public address, for links.
        public var baseURL: String
        /// The read budget of one rule's evaluation.
        public var budget: Duration

        /// Creates settings.
        public init(
            tick: Duration = .seconds(1), retryWindow: Duration = .seconds(3600),
            repeatInterval: Duration? = .seconds(14_400), baseURL: String, budget: Duration = .seconds(30)
        ) {
            self.tick = tick
            self.retryWindow = retryWindow
            self.repeatInterval = repeatInterval
            self.baseURL = baseURL
            self.budget = budget
        }
    }

    /// The name the job is elected under.
    public static var jobName: String { "alert-evaluation" }
    /// Rules evaluated at once: a new one starts as soon as one finishes. Four took the same time
    /// over 1,000 rules as two, and more from ingest meanwhile (bench/README.md, "Alert evaluation").
    static var concurrency: Int { 2 }

    private let store: Store
    private let alerts: Alerts
    private let sender: AlertSender
    private let settings: Settings
    private let observability: Observability
    private let logger: Logger
    private let firing = Mutex<[String: Int]>([:])
    private let ready: AsyncStream<Void>
    private let readyContinuation: AsyncStream<Void>.Continuation

    /// Creates the evaluator.
    public init(
        store: Store, alerts: Alerts, sender: AlertSender, settings: Settings, observability: Observability,
        logger: Logger
    ) {
        self.store = store
        self.alerts = alerts
        self.sender = sender
        self.settings = settings
        self.observability = observability
        self.logger = logger
        (ready, readyContinuation) = AsyncStream<Void>.makeStream()
    }

    /// Lets ``run()`` start ticking: called once the store's schema is in place.
    public func storeIsReady() {
        readyContinuation.finish()
    }

    /// Ticks from ``storeIsReady()`` until graceful shutdown, then closes the sender's connections.
    public func run() async throws {
        await cancelWhenGracefulShutdown { [self] in
            for await _ in ready {}
            while !Task.isCancelled {
                do {
                    _ = try await runOnce(now: .now())
                } catch is CancellationError {
                    return
                } catch {
                    logger.error("alert evaluation tick failed", metadata: .describing(error))
                }
                try? await Task.sleep(for: settings.tick)
            }
        }
        await sender.shutdown()
    }

    /// One tick as of `now`; false when another replica holds the job.
    @discardableResult
    public func runOnce(now: Timestamp) async throws -> Bool {
        let ran = try await store.runExclusively(Self.jobName) { [self] in
            try await evaluateDueRules(now: now)
            await deliverDue(now: now)
            return true
        }
        if ran == nil { observability.metrics.alertsFiring(0) }
        return ran ?? false
    }

    private func evaluateDueRules(now: Timestamp) async throws {
        let due = try await alerts.dueRules(at: now, limit: 1000)
        await withTaskGroup(of: Void.self) { group in
            for (index, rule) in due.enumerated() {
                if index >= Self.concurrency { await group.next() }
                group.addTask { [self] in await evaluate(rule, now: now) }
            }
        }
        observability.metrics.alertsFiring(firing.withLock { $0.values.reduce(0, +) })
    }

    /// Evaluates one rule as of `now`, recording its transitions and what they owe, and schedules
    /// its next evaluation; a failed evaluation is logged, counted, and tried again next interval.
    func evaluate(_ rule: AlertRule, now: Timestamp) async {
        let started = ContinuousClock.now
        do {
            try await observability.tracer.withSpan("alert.evaluate", ofKind: .internal) { span in
                span.attributes["logsmith.alert.rule_id"] = rule.id
                span.attributes["logsmith.tenant"] = rule.tenant
                try await QueryBudget(settings.budget).apply { try await step(rule, now: now) }
            }
            observability.metrics.alertEvaluation(result: "ok", duration: .now - started)
        } catch {
            observability.metrics.alertEvaluation(result: "error", duration: .now - started)
            logger.warning(
                "alert rule evaluation failed",
                metadata: ["alert.rule_id": "\(rule.id)", "tenant": "\(rule.tenant)"].merging(.describing(error)) {
                    a, _ in a
                })
        }
        try? await alerts.scheduleRule(
            tenant: rule.tenant, id: rule.id, at: now.adding(microseconds: Int64(rule.intervalSeconds) * 1_000_000))
    }

    private func step(_ rule: AlertRule, now: Timestamp) async throws {
        let instances = try await alerts.instances(tenant: rule.tenant, ruleID: rule.id)
        let byGroup = Dictionary(instances.map { ($0.group, $0) }) { first, _ in first }
        let values = try await AlertMeasurement(store: store).values(
            of: rule, at: now, known: Set(instances.map(\.group)))
        var firingCount = 0
        for (group, value) in values {
            let instance =
                byGroup[group]
                ?? AlertInstance(
                    id: UUID().uuidString.lowercased(), tenant: rule.tenant, ruleID: rule.id, group: group,
                    state: .inactive, value: nil, stateSince: now, activeSince: nil, evaluatedAt: now, version: 0)
            var (next, movedTo) = AlertStep.next(instance, value: value, rule: rule, now: now)
            if next.state == .firing { firingCount += 1 }
            let links = AlertLinks(baseURL: settings.baseURL, rule: rule, group: group, end: now)
            if let movedTo {
                if movedTo == .firing { next.notifiedAt = now }
                let transition = AlertTransition(
                    id: "\(next.id)/\(next.version)", tenant: rule.tenant, ruleID: rule.id, ruleName: rule.name,
                    instanceID: next.id, group: group, from: instance.state, to: movedTo, value: value, at: now,
                    actor: "evaluator")
                try await alerts.record(
                    transition, instance: next,
                    deliveries: try AlertDeliveries.owed(by: transition, rule: rule, instance: next, links: links))
                logTransition(transition, rule: rule)
            } else if next.state == .firing {
                if let reminder = try reminder(rule: rule, instance: &next, now: now, links: links) {
                    try await alerts.record(reminder.transition, instance: next, deliveries: reminder.deliveries)
                } else {
                    try await alerts.saveInstance(next)
                }
                await refreshAlertmanager(rule: rule, instance: next, now: now, links: links)
            } else {
                try await alerts.saveInstance(next)
            }
        }
        firing.withLock { $0[rule.id] = firingCount }
    }

    /// A webhook reminder of an unacknowledged firing instance, when one is due; it is stored like a
    /// transition into the same state, numbered by how many reminders the firing has had.
    private func reminder(
        rule: AlertRule, instance: inout AlertInstance, now: Timestamp, links: AlertLinks
    ) throws -> (transition: AlertTransition, deliveries: [AlertDelivery])? {
        guard let repeatInterval = settings.repeatInterval, instance.acknowledgement == nil,
            rule.targets.contains(where: { $0.kind == .webhook })
        else { return nil }
        let every = repeatInterval.components.seconds * 1_000_000
        let last = instance.notifiedAt ?? instance.stateSince
        guard every > 0, now.microseconds - last.microseconds >= every else { return nil }
        instance.notifiedAt = now
        let number = (now.microseconds - instance.stateSince.microseconds) / every
        let transition = AlertTransition(
            id: "\(instance.id)/\(instance.version)/reminder-\(number)", tenant: rule.tenant, ruleID: rule.id,
            ruleName: rule.name, instanceID: instance.id, group: instance.group, from: .firing, to: .firing,
            value: instance.value, at: now, actor: "evaluator", comment: "still firing")
        let deliveries = try AlertDeliveries.owed(by: transition, rule: rule, instance: instance, links: links)
        return (transition, deliveries)
    }

    /// Tells Alertmanager again that a firing instance still fires, until a little past the next
    /// evaluation; best effort, since the next evaluation says it again.
    private func refreshAlertmanager(rule: AlertRule, instance: AlertInstance, now: Timestamp, links: AlertLinks) async
    {
        for target in rule.targets where target.kind == .alertmanager {
            guard
                let body = try? AlertPayloads.alertmanager(
                    rule: rule, group: instance.group, startsAt: instance.activeSince ?? instance.stateSince,
                    endsAt: AlertDeliveries.alertmanagerEnd(rule, from: now), links: links)
            else { continue }
            let outcome = await sender.post(body, to: Self.alertmanagerURL(target.url), headers: [])
            observability.metrics.alertNotification(target: target.kind.rawValue, result: Self.result(outcome))
        }
    }

    private func logTransition(_ transition: AlertTransition, rule: AlertRule) {
        logger.notice(
            "alert transition",
            metadata: [
                "tenant": "\(rule.tenant)", "alert.rule_id": "\(rule.id)", "alert.rule": "\(rule.name)",
                "alert.group": "\(transition.group ?? "")", "alert.from": "\(transition.from.rawValue)",
                "alert.to": "\(transition.to.rawValue)", "alert.value": "\(transition.value.map { "\($0)" } ?? "none")",
                "alert.severity": "\(rule.severity.rawValue)", "alert.actor": "\(transition.actor)",
            ])
    }

    // MARK: Delivery

    /// Sends every due delivery once, recording the attempt and what comes next.
    func deliverDue(now: Timestamp) async {
        guard let due = try? await alerts.claimDueDeliveries(at: now, claimFor: .seconds(60), limit: 100) else {
            return
        }
        for delivery in due {
            await attempt(delivery, now: now)
        }
    }

    private func attempt(_ delivery: AlertDelivery, now: Timestamp) async {
        let started = ContinuousClock.now
        let outcome = await send(delivery, now: now)
        let elapsed = ContinuousClock.now - started
        var next = delivery
        next.attempts += 1
        let status: Int?
        switch outcome {
        case .delivered(let code):
            (next.status, next.lastError, status) = (.delivered, nil, code)
        case .retry(let code, let reason):
            let backoff = Int64(min(1 << min(next.attempts - 1, 8), 300)) * 1_000_000
            let nextAttempt = now.adding(microseconds: backoff)
            let giveUp = delivery.createdAt.adding(settings.retryWindow)
            (next.status, next.lastError, status) = (nextAttempt > giveUp ? .failed : .pending, reason, code)
            next.nextAttemptAt = nextAttempt
        case .refused(let code, let reason):
            (next.status, next.lastError, status) = (.failed, reason, code)
        }
        observability.metrics.alertNotification(
            target: delivery.target.kind.rawValue, result: next.status == .pending ? "retry" : Self.result(outcome))
        let milliseconds = Int(
            elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
        do {
            try await alerts.recordAttempt(
                AlertDeliveryAttempt(
                    deliveryID: delivery.id, number: next.attempts, at: now, statusCode: status, error: next.lastError,
                    milliseconds: milliseconds), delivery: next)
        } catch {
            logger.warning("alert delivery not recorded", metadata: .describing(error))
        }
        if next.status == .failed {
            logger.warning(
                "alert notification given up",
                metadata: [
                    "tenant": "\(delivery.tenant)", "alert.rule_id": "\(delivery.ruleID)",
                    "alert.delivery": "\(delivery.id)",
                    "alert.target": "\(delivery.target.kind.rawValue)", "error": "\(next.lastError ?? "")",
                ])
        }
    }

    private func send(_ delivery: AlertDelivery, now: Timestamp) async -> AlertSender.Outcome {
        var headers = [("Logsmith-Delivery", delivery.id)]
        let url: String
        switch delivery.target.kind {
        case .webhook:
            guard let secret = try? await alerts.webhookSecret(tenant: delivery.tenant, ruleID: delivery.ruleID) else {
                return .refused(status: nil, reason: "the rule was deleted")
            }
            url = delivery.target.url
            let signature = WebhookSignature.value(
                body: delivery.body, secret: secret, seconds: now.microseconds / 1_000_000)
            headers.append((WebhookSignature.header, signature))
        case .alertmanager:
            url = Self.alertmanagerURL(delivery.target.url)
        }
        let span = observability.tracer.startSpan("alert.notify", ofKind: .client)
        defer { span.end() }
        span.attributes["logsmith.alert.target"] = delivery.target.kind.rawValue
        span.attributes["logsmith.alert.delivery"] = delivery.id
        return await sender.post(delivery.body, to: url, headers: headers)
    }

    private static func alertmanagerURL(_ base: String) -> String {
        (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/api/v2/alerts"
    }

    private static func result(_ outcome: AlertSender.Outcome) -> String {
        switch outcome {
        case .delivered: "delivered"
        case .retry: "retry"
        case .refused: "failed"
        }
    }
}
