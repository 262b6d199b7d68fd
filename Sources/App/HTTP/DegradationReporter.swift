import Logging
import Synchronization
import Telemetry

/// Reports a failing optional dependency (Redis) without flooding: every failure is counted, but a
/// warning is logged at most once per interval.
final class DegradationReporter: Sendable {
    private let dependency: String
    private let metrics: ServiceMetrics
    private let logger: Logger
    private let interval: Duration
    private let lastLogged = Mutex<ContinuousClock.Instant?>(nil)

    init(dependency: String, metrics: ServiceMetrics, logger: Logger, interval: Duration = .seconds(30)) {
        self.dependency = dependency
        self.metrics = metrics
        self.logger = logger
        self.interval = interval
    }

    /// Counts one failure of `component` and logs it unless one was logged within the interval.
    func failed(_ component: String, consequence: String, error: any Error) {
        metrics.dependencyFailure(dependency: dependency, component: component)
        let now = ContinuousClock.now
        let due = lastLogged.withLock { last in
            guard last.map({ now - $0 >= interval }) ?? true else { return false }
            last = now
            return true
        }
        guard due else { return }
        logger.warning(
            "\(dependency) unavailable",
            metadata: ["component": "\(component)", "consequence": "\(consequence)", "error.message": "\(error)"])
    }
}
