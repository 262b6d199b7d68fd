import Foundation
public import LogQuery
public import Logging
public import ServiceLifecycle
public import Stores
import Synchronization
public import Telemetry

/// The live tails of every tenant on this process, fed by the store's commit feed.
///
/// The hub listens to the feed while any tail is open (and for a while after the last one closes,
/// so a client that reconnects can resume exactly) and hands each committed batch to the tails of
/// its tenant. It remembers the most recent batches in the order every process hears them, so a tail
/// that resumes after a record it was sent continues with exactly the records that followed it.
public final class TailHub: Service, Sendable {
    /// Limits and timings of the hub.
    public struct Settings: Sendable {
        /// Most tails open at once per tenant. Default 20.
        public var perTenant: Int
        /// Most records waiting for one tail before the oldest are dropped. Default 10,000.
        public var bufferRecords: Int
        /// Most records of recent batches remembered for resumption. Default 100,000.
        public var recentRecords: Int
        /// How long the hub keeps listening after the last tail closed. Default 60 s.
        public var lingering: Duration
        /// How long a new tail waits for the feed to be heard. Default 10 s.
        public var listenTimeout: Duration

        /// Creates settings.
        public init(
            perTenant: Int = 20, bufferRecords: Int = 10_000, recentRecords: Int = 100_000,
            lingering: Duration = .seconds(60), listenTimeout: Duration = .seconds(10)
        ) {
            self.perTenant = perTenant
            self.bufferRecords = bufferRecords
            self.recentRecords = recentRecords
            self.lingering = lingering
            self.listenTimeout = listenTimeout
        }
    }

    private struct State {
        var stopping = false
        var listening = false
        var recent: [CommittedBatch] = []
        var recentRecords = 0
        var tails: [ObjectIdentifier: TailMailbox] = [:]
        var lastTailClosed = ContinuousClock.now
        var wakeRunner: CheckedContinuation<Void, Never>?
        var listenWaiters: [UUID: CheckedContinuation<Bool, Never>] = [:]

        mutating func setListening(_ value: Bool) {
            listening = value
            if !value {
                recent = []
                recentRecords = 0
            }
            guard value else { return }
            for waiter in listenWaiters.values { waiter.resume(returning: true) }
            listenWaiters = [:]
        }
    }

    /// The store whose commits the hub hears and whose records tails read.
    let store: any CommitFeed & LogStore
    private let settings: Settings
    /// Where tails count what they drop.
    let metrics: ServiceMetrics?
    private let logger: Logger
    private let state = Mutex(State())

    /// Creates a hub over a store.
    public init(
        store: any CommitFeed & LogStore, settings: Settings = .init(), metrics: ServiceMetrics? = nil, logger: Logger
    ) {
        self.store = store
        self.settings = settings
        self.metrics = metrics
        self.logger = logger
    }

    /// Listens to the commit feed whenever tails are open, until graceful shutdown, which closes every
    /// tail.
    public func run() async throws {
        await withGracefulShutdownHandler {
            while !Task.isCancelled, !state.withLock({ $0.stopping }) {
                await waitForTails()
                guard !Task.isCancelled, !state.withLock({ $0.stopping }) else { break }
                await listenWhileWanted()
            }
        } onGracefulShutdown: {
            self.stop()
        }
    }

    /// Opens a tail of `tenant` for `query`. With `resumingAfter`, a record ID that a tail was sent,
    /// the tail starts with the records committed after it when the hub still remembers its batch
    /// (``Tail/resumedExactly``).
    /// - Throws: ``TailRefused`` when the tenant has its most tails open, or the feed cannot be heard.
    public func open(tenant: String, query: QueryNode, resumingAfter id: String? = nil) async throws -> Tail {
        let mailbox = TailMailbox(tenant: tenant, capacity: settings.bufferRecords)
        try state.withLock { state in
            guard !state.stopping else { throw TailRefused.feedUnavailable }
            guard state.tails.values.count(where: { $0.tenant == tenant }) < settings.perTenant else {
                throw TailRefused.tooManyTails(limit: settings.perTenant)
            }
            state.tails[ObjectIdentifier(mailbox)] = mailbox
            state.wakeRunner?.resume()
            state.wakeRunner = nil
            metrics?.tailStreams(state.tails.count)
        }
        guard await waitUntilListening() else {
            close(mailbox)
            throw TailRefused.feedUnavailable
        }
        let resumed = state.withLock { state -> Bool in
            guard let id,
                let position = state.recent.lastIndex(where: { $0.tenant == tenant && $0.ids.contains(id) }),
                let rest = state.recent[position].after(id)
            else { return false }
            // Every batch delivered since the mailbox was registered is among these.
            mailbox.replace(
                with: ([rest] + state.recent[(position + 1)...]).filter { $0.tenant == tenant && !$0.ids.isEmpty })
            return true
        }
        return Tail(hub: self, mailbox: mailbox, tenant: tenant, query: query, resumedExactly: resumed)
    }

    /// Forgets a tail: its mailbox takes nothing more.
    func close(_ mailbox: TailMailbox) {
        mailbox.close()
        state.withLock { state in
            guard state.tails.removeValue(forKey: ObjectIdentifier(mailbox)) != nil else { return }
            if state.tails.isEmpty { state.lastTailClosed = .now }
            metrics?.tailStreams(state.tails.count)
        }
    }

    /// Closes every tail and ends ``run()``.
    private func stop() {
        let open = state.withLock { state in
            state.stopping = true
            state.wakeRunner?.resume()
            state.wakeRunner = nil
            return Array(state.tails.values)
        }
        for mailbox in open { close(mailbox) }
    }

    private func waitForTails() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let waiting = state.withLock { state in
                    guard state.tails.isEmpty, !state.stopping, !Task.isCancelled else { return false }
                    state.wakeRunner = continuation
                    return true
                }
                if !waiting { continuation.resume() }
            }
        } onCancel: {
            state.withLock { state in
                state.wakeRunner?.resume()
                state.wakeRunner = nil
            }
        }
    }

    /// Listens until no tail has been open for ``Settings/lingering``. When the feed is lost, closes
    /// every tail, so that its client reconnects and catches up from its last record's time (what
    /// was committed meanwhile was not heard), and waits a second before the caller listens again.
    private func listenWhileWanted() async {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                do {
                    try await self.store.watchCommits { self.heard($0) }
                    return false
                } catch {
                    guard !Task.isCancelled else { return false }
                    self.logger.warning(
                        "live tail lost the commit feed; tails closed so that clients reconnect",
                        metadata: .describing(error))
                    return true
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    let idle = self.state.withLock { state in
                        state.stopping
                            || state.tails.isEmpty
                                && ContinuousClock.now - state.lastTailClosed >= self.settings.lingering
                    }
                    if idle { break }
                }
                return false
            }
            let lost = await group.next() ?? false
            group.cancelAll()
            state.withLock { $0.setListening(false) }
            if lost {
                for mailbox in state.withLock({ Array($0.tails.values) }) { close(mailbox) }
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    private func heard(_ event: CommitFeedEvent) {
        state.withLock { state in
            switch event {
            case .listening:
                state.setListening(true)
            case .committed(let batch):
                state.recent.append(batch)
                state.recentRecords += batch.ids.count
                var forgetting = 0
                while state.recentRecords > settings.recentRecords, forgetting < state.recent.count - 1 {
                    state.recentRecords -= state.recent[forgetting].ids.count
                    forgetting += 1
                }
                state.recent.removeFirst(forgetting)
                for mailbox in state.tails.values where mailbox.tenant == batch.tenant { mailbox.deliver([batch]) }
            }
        }
    }

    /// Whether the feed is heard, waiting for it up to ``Settings/listenTimeout``.
    private func waitUntilListening() async -> Bool {
        let id = UUID()
        let timer = Task {
            guard (try? await Task.sleep(for: settings.listenTimeout)) != nil else { return }
            state.withLock { $0.listenWaiters.removeValue(forKey: id)?.resume(returning: false) }
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { continuation in
            let listening = state.withLock { state in
                if !state.listening { state.listenWaiters[id] = continuation }
                return state.listening
            }
            if listening { continuation.resume(returning: true) }
        }
    }
}

/// Why a tail was not opened.
public enum TailRefused: Error, Sendable, Equatable {
    /// The tenant has `limit` tails open already.
    case tooManyTails(limit: Int)
    /// The commit feed could not be heard in time.
    case feedUnavailable
}
