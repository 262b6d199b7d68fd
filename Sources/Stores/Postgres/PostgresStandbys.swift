import Foundation
import Logging
public import PostgresNIO
import Synchronization

/// Streaming-replication standbys that serve a store's reads (``PostgresLogStore/consistentReads()``).
///
/// A monitor asks the primary for its WAL position and each standby for how far it has replayed,
/// every ``PostgresStandbySettings/monitorInterval``. A standby's lag is the age of the newest
/// primary position it has replayed past, so it counts time, not bytes, and stays zero while
/// nothing is written. A standby that does not answer, is not in recovery (a primary given by
/// mistake) or lags more than ``PostgresStandbySettings/maximumLag`` serves nothing until the
/// monitor sees it well again.
final class PostgresStandbys: Sendable {
    /// One standby: its pool and what the monitor last saw of it.
    final class Standby: Sendable {
        /// How the standby is reported: host and port, never its credentials.
        let name: String
        let pool: PostgresClient
        let seen = Mutex<(state: PostgresStandbyStatus.State, lagSeconds: Double?)>((.unavailable, nil))

        init(name: String, pool: PostgresClient) {
            self.name = name
            self.pool = pool
        }
    }

    /// A WAL position of the primary and when it was read.
    private struct PrimarySample {
        var at: ContinuousClock.Instant
        var lsn: String
    }

    let standbys: [Standby]
    let settings: PostgresStandbySettings
    private let next = Atomic<Int>(0)
    private let samples = Mutex<[PrimarySample]>([])

    /// Standbys with pools of `connections` each.
    init(settings: PostgresStandbySettings, connections: Int, logger: Logger) {
        self.settings = settings
        self.standbys = settings.standbys.map { configuration in
            var configuration = configuration
            configuration.options.maximumConnections = connections
            let name = "\(configuration.host ?? "socket"):\(configuration.port ?? 5432)"
            return Standby(name: name, pool: PostgresClient(configuration: configuration, backgroundLogger: logger))
        }
    }

    /// Runs the standbys' pools and the monitor until the task is cancelled.
    func run(primary: PostgresClient, logger: Logger, lag: @escaping @Sendable (String, Double?) -> Void) async {
        await withDiscardingTaskGroup { group in
            for standby in standbys { group.addTaskRunning(standby.pool) }
            group.addTask {
                while !Task.isCancelled {
                    await self.observe(primary: primary, logger: logger, lag: lag)
                    try? await Task.sleep(for: self.settings.monitorInterval)
                }
            }
        }
    }

    /// What the monitor last saw of each standby.
    var statuses: [PostgresStandbyStatus] {
        standbys.map { standby in
            let seen = standby.seen.withLock { $0 }
            return PostgresStandbyStatus(name: standby.name, state: seen.state, lagSeconds: seen.lagSeconds)
        }
    }

    /// A standby that has replayed everything the primary had written when this was called, taking
    /// the usable ones in turn and waiting for the one taken up to ``PostgresStandbySettings/replayWait``;
    /// nil when none is usable, the one taken did not catch up in time, or either server failed.
    func caughtUp(
        primary: PostgresClient, instrumentation: StatementInstrumentation, logger: Logger
    ) async -> PostgresClient? {
        let usable = standbys.filter { $0.seen.withLock { $0.state } == .ok }
        guard !usable.isEmpty else { return nil }
        let standby = usable[next.wrappingAdd(1, ordering: .relaxed).oldValue % usable.count]
        let deadline = ContinuousClock.now + settings.replayWait
        return await Self.before(deadline) {
            try await self.replayed(
                by: standby, until: deadline, primary: primary, instrumentation: instrumentation, logger: logger)
        } ?? nil
    }

    private static let primaryPositionSQL = "SELECT pg_current_wal_lsn()::text"

    /// The primary's WAL position, past the commit of every record acknowledged before it is read.
    private static func primaryPosition(_ primary: PostgresClient, logger: Logger) async throws -> String? {
        try await primary.query(PostgresQuery(unsafeSQL: primaryPositionSQL), logger: logger).collect().first?.decode(
            String.self)
    }

    /// The standby's pool once it has replayed the primary's current position; nil when it had not by
    /// `deadline`.
    private func replayed(
        by standby: Standby, until deadline: ContinuousClock.Instant, primary: PostgresClient,
        instrumentation: StatementInstrumentation, logger: Logger
    ) async throws -> PostgresClient? {
        let position = try await instrumentation.statement(Self.primaryPositionSQL) {
            try await Self.primaryPosition(primary, logger: logger)
        }
        guard let position else { return nil }
        let check = "SELECT coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false)"
        while true {
            let replayed = try await instrumentation.statement(check) {
                var bindings = PostgresBindings()
                bindings.append(position)
                return try await standby.pool.query(PostgresQuery(unsafeSQL: check, binds: bindings), logger: logger)
                    .collect().first?.decode(Bool.self)
            }
            if replayed == true { return standby.pool }
            guard ContinuousClock.now < deadline else { return nil }
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    /// `body`'s value, or nil when it throws or has not returned by `deadline` (it is then cancelled):
    /// a standby that stopped answering holds neither a read nor the monitor for longer.
    private static func before<T: Sendable>(
        _ deadline: ContinuousClock.Instant, _ body: @escaping @Sendable () async throws -> T
    ) async -> T? {
        await withTaskGroup(of: T?.self) { group in
            group.addTask { try? await body() }
            group.addTask {
                try? await Task.sleep(until: deadline)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// One round of the monitor: the primary's position, then each standby's replay and lag.
    private func observe(primary: PostgresClient, logger: Logger, lag: @Sendable (String, Double?) -> Void) async {
        let now = ContinuousClock.now
        let primaryLSN = await Self.before(now + settings.monitorInterval * 4) {
            try await Self.primaryPosition(primary, logger: logger)
        }
        if let lsn = primaryLSN ?? nil {
            samples.withLock { samples in
                samples.append(PrimarySample(at: now, lsn: lsn))
                let keep = now - settings.maximumLag - settings.monitorInterval * 2
                while samples.count > 1, samples[0].at < keep { samples.removeFirst() }
            }
        }
        let history = samples.withLock { $0 }
        for standby in standbys {
            let (state, seconds) = await measure(standby, against: history, now: now, logger: logger)
            standby.seen.withLock { $0 = (state, seconds) }
            lag(standby.name, seconds)
        }
    }

    /// The standby's state and lag: the age of the newest primary sample its replay has passed (the
    /// oldest sample's age when it passed none, a lag of at least that).
    private func measure(
        _ standby: Standby, against history: [PrimarySample], now: ContinuousClock.Instant, logger: Logger
    ) async -> (PostgresStandbyStatus.State, Double?) {
        guard let oldest = history.first else { return (.unavailable, nil) }
        var bindings = PostgresBindings()
        bindings.append(history.map(\.lsn))
        let sql = """
            SELECT pg_is_in_recovery(), coalesce(
                (SELECT max(n)::int8 FROM unnest($1::text[]) WITH ORDINALITY AS s(lsn, n)
                 WHERE s.lsn::pg_lsn <= pg_last_wal_replay_lsn()), 0)
            """
        let answer = await Self.before(now + settings.monitorInterval * 4) { [bindings] in
            try await standby.pool.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger).collect()
                .first?
                .decode((Bool, Int64).self)
        }
        guard let (inRecovery, passed) = answer ?? nil else { return (.unavailable, nil) }
        guard inRecovery else { return (.notStandby, nil) }
        let since = passed > 0 ? history[Int(passed) - 1].at : oldest.at
        let seconds = passed == history.count ? 0 : Double((now - since) / .milliseconds(1)) / 1000
        return (seconds > Double(settings.maximumLag / .milliseconds(1)) / 1000 ? .lagging : .ok, seconds)
    }
}

/// Where reads may go besides the primary, and how long a read waits for a standby to catch up.
public struct PostgresStandbySettings: Sendable {
    /// The standbys' connection settings (their pool sizes are set by the store).
    public var standbys: [PostgresClient.Configuration]
    /// A standby whose lag passes this serves nothing.
    public var maximumLag: Duration
    /// How long a read waits for a standby to replay the primary's position before it goes to the primary.
    public var replayWait: Duration
    /// How often the monitor measures the standbys.
    public var monitorInterval: Duration

    /// Creates settings.
    public init(
        standbys: [PostgresClient.Configuration], maximumLag: Duration, replayWait: Duration,
        monitorInterval: Duration = .milliseconds(500)
    ) {
        self.standbys = standbys
        self.maximumLag = maximumLag
        self.replayWait = replayWait
        self.monitorInterval = monitorInterval
    }
}

/// What the monitor last saw of a standby, for `/ready`.
public struct PostgresStandbyStatus: Sendable, Hashable {
    /// Whether a standby serves reads.
    public enum State: String, Sendable {
        /// Answering, in recovery, within the lag allowed: serves reads.
        case ok
        /// Answering, but further behind than allowed.
        case lagging
        /// Not answering.
        case unavailable
        /// Answering, but not in recovery: a primary, never read from.
        case notStandby = "not_standby"
    }

    /// Host and port.
    public var name: String
    /// What it was last seen as.
    public var state: State
    /// Its lag in seconds, when measured.
    public var lagSeconds: Double?
}
