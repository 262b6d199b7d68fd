public import LogModel
public import Stores

/// The state machine of one alert instance: inactive -> pending -> firing -> resolved, and back
/// to pending (or firing) when the condition holds again.
///
/// - The condition starts holding: pending, or firing at once when the rule's `for` is zero.
/// - Pending while it holds for `for`: firing. Pending when it stops: inactive.
/// - Firing when it stops: resolved, and its acknowledgement is cleared.
public enum AlertStep {
    /// The instance after an evaluation at `now` that found `value` (nil: no value, which never
    /// holds), and the state it moved into, if it moved.
    public static func next(
        _ instance: AlertInstance, value: Double?, rule: AlertRule, now: Timestamp
    ) -> (instance: AlertInstance, movedTo: AlertState?) {
        var next = instance
        next.value = value
        next.evaluatedAt = now
        let (comparison, threshold) = rule.condition.test
        let holds = value.map { comparison.holds($0, threshold) } ?? false
        let state: AlertState
        switch (instance.state, holds) {
        case (.inactive, true), (.resolved, true):
            next.activeSince = now
            state = rule.forSeconds == 0 ? .firing : .pending
        case (.pending, true):
            let held = now.microseconds - (instance.activeSince ?? now).microseconds
            state = held >= Int64(rule.forSeconds) * 1_000_000 ? .firing : .pending
        case (.pending, false):
            next.activeSince = nil
            state = .inactive
        case (.firing, true):
            state = .firing
        case (.firing, false):
            next.activeSince = nil
            next.acknowledgement = nil
            state = .resolved
        case (.inactive, false), (.resolved, false):
            state = instance.state
        }
        guard state != instance.state else { return (next, nil) }
        next.state = state
        next.stateSince = now
        next.version += 1
        return (next, state)
    }
}
