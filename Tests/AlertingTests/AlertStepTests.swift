import Alerting
import LogModel
import Stores
import Testing

/// The instance state machine, step by step at chosen instants.
@Suite("Alert state machine")
struct AlertStepTests {
    private static let start = Timestamp(rfc3339: "2026-12-01T10:00:00Z")!

    private static func at(_ seconds: Int64) -> Timestamp { start.adding(microseconds: seconds * 1_000_000) }

    private static func rule(for seconds: Int, _ condition: AlertCondition = .count(.greater, threshold: 10))
        -> AlertRule
    {
        AlertRule(
            id: "r", tenant: "t", name: "errors", query: "level:error", windowSeconds: 300, intervalSeconds: 60,
            forSeconds: seconds, condition: condition, severity: .page, groupBy: nil, labels: [:], annotations: [:],
            targets: [], enabled: true, createdAt: start, updatedAt: start)
    }

    private static let inactive = AlertInstance(
        id: "i", tenant: "t", ruleID: "r", group: nil, state: .inactive, value: nil, stateSince: start,
        activeSince: nil, evaluatedAt: start, version: 0)

    @Test("pending while the condition holds for less than `for`, then firing, then resolved; each move counted")
    func pendingFiringResolved() {
        let rule = Self.rule(for: 120)
        var instance = Self.inactive
        var moves: [AlertState?] = []
        for (second, value) in [
            (60, 11.0), (120, 12.0), (179, 15.0), (180, 15.0), (240, 30.0), (300, 10.0), (360, 3.0),
        ] {
            let step = AlertStep.next(instance, value: value, rule: rule, now: Self.at(Int64(second)))
            moves.append(step.movedTo)
            instance = step.instance
        }
        #expect(moves == [.pending, nil, nil, .firing, nil, .resolved, nil])
        #expect(instance.state == .resolved && instance.version == 3 && instance.value == 3)
        #expect(instance.stateSince == Self.at(300) && instance.activeSince == nil)
    }

    @Test("a pending alert whose condition stops goes back to inactive; `for` 0 fires at once")
    func pendingBackToInactive_andImmediateFiring() {
        let pending = AlertStep.next(Self.inactive, value: 20, rule: Self.rule(for: 300), now: Self.at(60)).instance
        #expect(pending.state == .pending && pending.activeSince == Self.at(60))
        let back = AlertStep.next(pending, value: 2, rule: Self.rule(for: 300), now: Self.at(120))
        #expect(back.movedTo == .inactive && back.instance.activeSince == nil)
        #expect(AlertStep.next(Self.inactive, value: 11, rule: Self.rule(for: 0), now: Self.at(60)).movedTo == .firing)
    }

    @Test("resolving clears the acknowledgement; a resolved alert fires again when the condition returns")
    func resolvedFiresAgain() {
        var firing = AlertStep.next(Self.inactive, value: 50, rule: Self.rule(for: 0), now: Self.at(0)).instance
        firing.acknowledgement = AlertAcknowledgement(by: "user:ada", at: Self.at(10), comment: "on it")
        let resolved = AlertStep.next(firing, value: 0, rule: Self.rule(for: 0), now: Self.at(60))
        #expect(resolved.movedTo == .resolved && resolved.instance.acknowledgement == nil)
        let again = AlertStep.next(resolved.instance, value: 40, rule: Self.rule(for: 0), now: Self.at(120))
        #expect(again.movedTo == .firing && again.instance.version == 3)
    }

    @Test("no value never holds, even against `< 1`; comparisons at the threshold")
    func thresholds() {
        let silence = Self.rule(for: 0, .count(.less, threshold: 1))
        #expect(AlertStep.next(Self.inactive, value: nil, rule: silence, now: Self.at(60)).movedTo == nil)
        #expect(AlertStep.next(Self.inactive, value: 0, rule: silence, now: Self.at(60)).movedTo == .firing)
        #expect(AlertStep.next(Self.inactive, value: 1, rule: silence, now: Self.at(60)).movedTo == nil)
        #expect(AlertComparison.greaterOrEqual.holds(10, 10) && !AlertComparison.greater.holds(10, 10))
        #expect(AlertComparison.lessOrEqual.holds(1, 1) && !AlertComparison.less.holds(1, 1))
    }
}
