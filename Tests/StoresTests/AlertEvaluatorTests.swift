import Alerting
import Foundation
import LogModel
import Logging
import Stores
import Telemetry
import Testing

/// The evaluator over real stores, ticked at chosen instants: the condition arithmetic of every kind
/// of rule, transitions recorded once, and one evaluating replica at a time.
@Suite("Alert evaluator")
struct AlertEvaluatorTests {
    private static func at(_ seconds: Int64) -> Timestamp { baseTime.adding(microseconds: seconds * 1_000_000) }

    private static func rule(
        tenant: String, query: String, window: Int = 300, for seconds: Int = 0, condition: AlertCondition,
        groupBy: String? = nil
    ) -> AlertRule {
        AlertRule(
            id: UUID().uuidString.lowercased(), tenant: tenant, name: "rule", query: query, windowSeconds: window,
            intervalSeconds: 60, forSeconds: seconds, condition: condition, severity: .page, groupBy: groupBy,
            labels: [:], annotations: [:], targets: [], enabled: true, createdAt: baseTime, updatedAt: baseTime)
    }

    /// One tick of an evaluator over the store, as of an instant; false when another replica held the job.
    private static func evaluator(
        _ store: some LogStore & PatternStore & JobElection, _ alerts: some AlertStore,
        repeatInterval: Duration? = .seconds(14_400)
    ) -> @Sendable (Timestamp) async throws -> Bool {
        let evaluator = AlertEvaluator(
            store: store, alerts: alerts, sender: AlertSender(policy: TargetAddressPolicy(allowsLinkLocal: false)),
            settings: .init(repeatInterval: repeatInterval, baseURL: "http://127.0.0.1:8080"), observability: .local(),
            logger: Logger(label: "test"))
        return { try await evaluator.runOnce(now: $0) }
    }

    /// Acknowledges an instance as `user:ada` with the comment `mine`.
    private static func acknowledge(_ alerts: some AlertStore, tenant: String, instanceID: String, at time: Timestamp)
        async throws
    {
        _ = try await AlertActions(alerts: alerts, baseURL: "http://x").acknowledge(
            tenant: tenant, instanceID: instanceID, actor: "user:ada", comment: "mine", at: time)
    }

    /// The states the history holds for a rule, oldest first, with their groups.
    private static func moves(_ alerts: some AlertStore, _ rule: AlertRule) async throws -> [String] {
        try await alerts.transitions(tenant: rule.tenant, filter: AlertHistoryFilter(ruleID: rule.id)).reversed().map {
            "\($0.group ?? "-"):\($0.to.rawValue)"
        }
    }

    @Test(
        "a count over the window goes pending, fires after `for`, and resolves when the records leave the window",
        arguments: StoreKind.allCases)
    func count_pendingFiringResolved(kind: StoreKind) async throws {
        try await withAlertingStore(kind) { store, alerts in
            let tenant = uniqueTenant()
            try await store.insert(
                (0..<3).map {
                    makeRecord("declined \($0)", tenant: tenant, second: $0, level: .error, service: "payments")
                }
                    + [makeRecord("ok", tenant: tenant, second: 1, level: .info, service: "payments")])
            let rule = Self.rule(
                tenant: tenant, query: "level:>=error", for: 120, condition: .count(.greater, threshold: 2),
                groupBy: "service")
            try await alerts.createRule(rule, webhookSecret: "s")
            let evaluator = Self.evaluator(store, alerts)
            for second: Int64 in [10, 70, 130, 190, 310] {
                #expect(try await evaluator(Self.at(second)))
            }
            #expect(try await Self.moves(alerts, rule) == ["payments:pending", "payments:firing", "payments:resolved"])
            let instance = try #require(try await alerts.instances(tenant: tenant, ruleID: rule.id).first)
            #expect(instance.value == 0 && instance.stateSince == Self.at(310))
            let firing = try await alerts.transitions(tenant: tenant, filter: AlertHistoryFilter(state: .firing))
            #expect(firing.first?.at == Self.at(130) && firing.first?.value == 3)
        }
    }

    @Test("`< 1` fires for a group that fell silent while the others keep logging", arguments: StoreKind.allCases)
    func silence_perGroup(kind: StoreKind) async throws {
        try await withAlertingStore(kind) { store, alerts in
            let tenant = uniqueTenant()
            try await store.insert([
                makeRecord("beat", tenant: tenant, second: 0, service: "billing"),
                makeRecord("beat", tenant: tenant, second: 0, service: "search"),
                makeRecord("beat", tenant: tenant, second: 70, service: "search"),
            ])
            let rule = Self.rule(
                tenant: tenant, query: "beat", window: 60, condition: .count(.less, threshold: 1), groupBy: "service")
            try await alerts.createRule(rule, webhookSecret: "s")
            let evaluator = Self.evaluator(store, alerts)
            _ = try await evaluator(Self.at(30))
            _ = try await evaluator(Self.at(90))
            #expect(try await Self.moves(alerts, rule) == ["billing:firing"])
            let states = try await alerts.instances(tenant: tenant, ruleID: rule.id).map {
                "\($0.group ?? "-"):\($0.state)"
            }
            #expect(Set(states) == ["billing:firing", "search:inactive"])
        }
    }

    @Test(
        "a ratio compares with a second query's count; a change with the same window a day earlier",
        arguments: StoreKind.allCases)
    func ratio_andChange(kind: StoreKind) async throws {
        try await withAlertingStore(kind) { store, alerts in
            let tenant = uniqueTenant()
            let yesterday = -secondsPerDay
            try await store.insert(
                (0..<10).map { makeRecord("req \($0)", tenant: tenant, second: $0, level: $0 < 3 ? .error : .info) }
                    + (0..<2).map { makeRecord("req old \($0)", tenant: tenant, second: yesterday + $0, level: .error) }
            )
            let ratio = Self.rule(
                tenant: tenant, query: "level:>=error", condition: .ratio(of: "req", .greater, threshold: 0.25))
            let change = Self.rule(
                tenant: tenant, query: "level:>=error",
                condition: .change(baselineSeconds: 86_400, .greaterOrEqual, threshold: 1.5))
            let calm = Self.rule(
                tenant: tenant, query: "level:>=error",
                condition: .ratio(of: "nothing-matches-this", .greater, threshold: 0))
            for rule in [ratio, change, calm] { try await alerts.createRule(rule, webhookSecret: "s") }
            _ = try await Self.evaluator(store, alerts)(Self.at(20))
            #expect(try await alerts.instances(tenant: tenant, ruleID: ratio.id).first?.value == 0.3)
            #expect(try await alerts.instances(tenant: tenant, ruleID: change.id).first?.value == 1.5)
            #expect(try await Self.moves(alerts, ratio) == ["-:firing"])
            #expect(try await Self.moves(alerts, change) == ["-:firing"])
            let none = try #require(try await alerts.instances(tenant: tenant, ruleID: calm.id).first)
            #expect(none.value == nil && none.state == .inactive)
        }
    }

    @Test(
        "new_patterns counts the patterns first seen in the window among the matching records",
        arguments: StoreKind.allCases)
    func newPatterns(kind: StoreKind) async throws {
        try await withAlertingStore(kind) { store, alerts in
            let tenant = uniqueTenant()
            let old = PatternTemplate(
                id: PatternID(template: "DB timeout after <*> ms"), template: "DB timeout after <*> ms",
                firstSeen: Self.at(-3600), lastSeen: Self.at(100), count: 2, examples: [])
            let new = PatternTemplate(
                id: PatternID(template: "disk <*> full"), template: "disk <*> full", firstSeen: Self.at(90),
                lastSeen: Self.at(90), count: 1, examples: [])
            try await store.recordPatterns(tenant: tenant, templates: [old, new], merges: [])
            var records = [
                makeRecord("DB timeout after 30 ms", tenant: tenant, second: 100, level: .error),
                makeRecord("disk sda full", tenant: tenant, second: 90, level: .error),
            ]
            records[0].patternID = old.id
            records[1].patternID = new.id
            try await store.insert(records)
            let rule = Self.rule(
                tenant: tenant, query: "level:>=error", condition: .newPatterns(.greater, threshold: 0))
            try await alerts.createRule(rule, webhookSecret: "s")
            _ = try await Self.evaluator(store, alerts)(Self.at(120))
            let instance = try #require(try await alerts.instances(tenant: tenant, ruleID: rule.id).first)
            #expect(instance.value == 1 && instance.state == .firing)
        }
    }

    @Test("a firing alert's webhooks get a reminder every repeat interval until it is acknowledged")
    func reminders_untilAcknowledged() async throws {
        try await withAlertingStore(.sqlite) { store, alerts in
            let tenant = uniqueTenant()
            try await store.insert(
                (0..<400).map { makeRecord("boom", tenant: tenant, second: Int64($0), level: .error) })
            var rule = Self.rule(tenant: tenant, query: "boom", window: 60, condition: .count(.greater, threshold: 0))
            rule.targets = [
                AlertTarget(kind: .webhook, url: "http://169.254.0.9/refused"),
                AlertTarget(kind: .alertmanager, url: "http://169.254.0.9"),
            ]
            try await alerts.createRule(rule, webhookSecret: "s")
            let evaluator = Self.evaluator(store, alerts, repeatInterval: .seconds(120))
            for second: Int64 in [10, 70, 130, 190] { _ = try await evaluator(Self.at(second)) }
            let instance = try #require(try await alerts.instances(tenant: tenant, ruleID: rule.id).first)
            try await Self.acknowledge(alerts, tenant: tenant, instanceID: instance.id, at: Self.at(200))
            for second: Int64 in [250, 310, 370] { _ = try await evaluator(Self.at(second)) }
            let history = try await alerts.transitions(tenant: tenant, filter: AlertHistoryFilter(ruleID: rule.id))
            #expect(
                history.reversed().map { $0.comment ?? $0.to.rawValue } == [
                    "firing", "still firing", "acknowledged: mine",
                ])
            let deliveries = try await alerts.deliveries(tenant: tenant, ruleID: rule.id, before: nil, limit: 10)
            #expect(
                deliveries.map(\.target.kind).sorted { $0.rawValue < $1.rawValue } == [
                    .alertmanager, .webhook, .webhook,
                ])
        }
    }

    @Test("rules are evaluated every interval, not every tick; disabled rules never")
    func schedule() async throws {
        try await withAlertingStore(.sqlite) { store, alerts in
            let tenant = uniqueTenant()
            try await store.insert([makeRecord("x", tenant: tenant, second: 0, level: .error)])
            var rule = Self.rule(tenant: tenant, query: "x", condition: .count(.greater, threshold: 0))
            try await alerts.createRule(rule, webhookSecret: "s")
            rule.id = UUID().uuidString
            rule.enabled = false
            try await alerts.createRule(rule, webhookSecret: "s")
            let evaluator = Self.evaluator(store, alerts)
            for second: Int64 in [1, 2, 30, 59] { _ = try await evaluator(Self.at(second)) }
            let instances = try await alerts.instances(tenant: tenant, ruleID: nil)
            #expect(instances.count == 1 && instances.first?.evaluatedAt == Self.at(1))
            _ = try await evaluator(Self.at(61))
            #expect(try await alerts.instances(tenant: tenant, ruleID: nil).first?.evaluatedAt == Self.at(61))
        }
    }

    @Test("two replicas ticking at once record each transition and delivery once")
    func twoReplicas_recordOnce() async throws {
        try await withTwoPostgresPools { first, second in
            let tenant = uniqueTenant()
            try await first.insert((0..<5).map { makeRecord("boom \($0)", tenant: tenant, second: $0, level: .error) })
            var rule = Self.rule(tenant: tenant, query: "boom", window: 60, condition: .count(.greater, threshold: 1))
            rule.intervalSeconds = 1
            // A link-local target: the sender refuses it at once, so each delivery has one attempt.
            rule.targets = [AlertTarget(kind: .webhook, url: "http://169.254.0.9/refused")]
            try await first.alerts.createRule(rule, webhookSecret: "s")
            let evaluators = (Self.evaluator(first, first.alerts), Self.evaluator(second, second.alerts))
            var ran = 0
            for second: Int64 in stride(from: 10, through: 80, by: 2) {
                async let one = evaluators.0(Self.at(second))
                async let two = evaluators.1(Self.at(second))
                ran += try await [one, two].filter { $0 }.count
            }
            #expect(ran >= 36)
            #expect(try await Self.moves(first.alerts, rule) == ["-:firing", "-:resolved"])
            let deliveries = try await first.alerts.deliveries(tenant: tenant, ruleID: rule.id, before: nil, limit: 10)
            #expect(deliveries.count == 2 && deliveries.allSatisfy { $0.status == .failed && $0.attempts == 1 })
            #expect(try await first.alerts.attempts(deliveryIDs: deliveries.map(\.id)).count == 2)
        }
    }
}
