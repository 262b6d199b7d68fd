import Synchronization

/// Counts attempts per key (a client address, a username) in fixed windows and refuses past a limit:
/// the brake on password guessing at login.
final class AttemptLimiter<LimiterClock: Clock<Duration>>: Sendable {
    private struct Window {
        var start: LimiterClock.Instant
        var count: Int
    }

    private let limit: Int
    private let window: Duration
    private let clock: LimiterClock
    private let windows = Mutex<[String: Window]>([:])

    /// Allows `limit` attempts per key in each `window`.
    init(limit: Int, window: Duration, clock: LimiterClock) {
        self.limit = limit
        self.window = window
        self.clock = clock
    }

    /// Records an attempt; returns the seconds to wait when the key is over its limit, else nil.
    func attempt(_ key: String) -> Int? {
        let now = clock.now
        return windows.withLock { windows in
            if windows.count > 100_000 {
                windows = windows.filter { $0.value.start.duration(to: now) < window }
            }
            var current = windows[key] ?? Window(start: now, count: 0)
            if current.start.duration(to: now) >= window { current = Window(start: now, count: 0) }
            current.count += 1
            windows[key] = current
            guard current.count > limit else { return nil }
            let left = window - current.start.duration(to: now)
            return max(1, Int(left.components.seconds) + 1)
        }
    }
}
