public import LogModel
public import Logging
public import Patterns
public import ServiceLifecycle
public import Stores
import Synchronization

/// Gives every record a pattern at ingest: its message is mined by its tenant's miner, and the
/// record carries the template's ID into the store.
///
/// Before a record is handed on, its template is in the store, and so is every merge that makes a
/// template handed out earlier belong to a more general one; templates born and generalised within
/// one batch are never stored, since the batch's records are all given the final template. A
/// tenant's miner is built, on its first record, from the templates stored (``PatternMiner/
/// reconciling(_:configuration:)``), so patterns survive restarts. While running, the assigner adds
/// the records' counts, last seen and examples to the store every ``Settings/interval`` (those are
/// approximate: a count added for records whose commit then failed stays), and reconciles each
/// tenant's miner with the templates that other replicas stored meanwhile, so replicas on one
/// database converge on the same templates and IDs.
public final class PatternAssigner: Service, Sendable {
    /// How the assigner runs.
    public struct Settings: Sendable {
        /// Time between adding counts to the store and reconciling with other replicas.
        public var interval: Duration
        /// The miner's parameters.
        public var miner: PatternMiner.Configuration

        /// Creates settings.
        public init(interval: Duration = .seconds(10), miner: PatternMiner.Configuration = .init()) {
            self.interval = interval
            self.miner = miner
        }
    }

    private let store: any PatternStore
    private let settings: Settings
    private let logger: Logger
    private let tenants = Mutex<[String: Task<TenantPatterns, any Error>]>([:])

    /// Creates an assigner over the store that keeps the patterns.
    public init(store: any PatternStore, settings: Settings = .init(), logger: Logger) {
        self.store = store
        self.settings = settings
        self.logger = logger
    }

    /// The records with their pattern IDs, once their templates and merges are stored.
    /// - Throws: the store's error when it could not store them.
    public func assign(_ records: [LogRecord]) async throws -> [LogRecord] {
        var assigned = records
        for (tenant, positions) in Dictionary(grouping: records.indices, by: { records[$0].tenant }) {
            let patterns = try await self.patterns(of: tenant)
            let batch = patterns.assign(positions.map { records[$0] })
            if !batch.templates.isEmpty || !batch.merges.isEmpty {
                try await store.recordPatterns(tenant: tenant, templates: batch.templates, merges: batch.merges)
                patterns.saved(batch.templates.map(\.id))
            }
            for (position, id) in zip(positions, batch.ids) { assigned[position].patternID = id }
        }
        return assigned
    }

    /// Adds counts to the store and reconciles with other replicas every interval, until graceful
    /// shutdown, then adds the counts one last time. Graceful shutdown ends the wait between intervals,
    /// never a synchronisation under way. When the assigner is cancelled instead, its statements
    /// could not run, so it stops without a word and the counts since the last interval are dropped.
    public func run() async throws {
        while (try? await cancelWhenGracefulShutdown({ try await Task.sleep(for: self.settings.interval) })) != nil {
            await synchronize()
        }
        guard !Task.isCancelled else { return }
        await maintain(reconciling: false)
    }

    /// Does now what ``run()`` does every interval: adds each loaded tenant's counts to the store and
    /// reconciles its miner with the templates stored.
    public func synchronize() async {
        await maintain(reconciling: true)
    }

    /// Adds each loaded tenant's counts to the store and, with `reconciling`, reconciles its miner
    /// with the templates stored; a failure is logged and the next run tries again, but a task
    /// cancelled meanwhile stops there.
    private func maintain(reconciling: Bool) async {
        for (tenant, load) in tenants.withLock({ $0 }) {
            guard let patterns = try? await load.value else { continue }
            do {
                try await flushUses(of: patterns, tenant: tenant)
                if reconciling { try await reconcile(patterns, tenant: tenant) }
            } catch  where Task.isCancelled {
                return
            } catch {
                logger.warning(
                    "storing patterns failed",
                    metadata: Logger.Metadata.describing(error).merging(["logsmith.tenant": "\(tenant)"]) { $1 })
            }
        }
    }

    private func flushUses(of patterns: TenantPatterns, tenant: String) async throws {
        let uses = patterns.takeUses()
        guard !uses.isEmpty else { return }
        do {
            try await store.recordPatterns(tenant: tenant, templates: uses, merges: [])
        } catch {
            patterns.returnUses(uses)
            throw error
        }
    }

    /// Rebuilds the tenant's miner from the stored templates and its own, when they differ, and stores
    /// what the rebuild made and merged.
    private func reconcile(_ patterns: TenantPatterns, tenant: String) async throws {
        let stored = try await store.currentPatterns(tenant: tenant)
        guard let rebuilt = patterns.reconciled(with: stored, configuration: settings.miner) else { return }
        try await store.recordPatterns(tenant: tenant, templates: rebuilt.templates, merges: rebuilt.merges)
        patterns.replace(rebuilt)
    }

    /// The tenant's patterns, loaded from the store on first use; a failed load is tried again on the
    /// next use.
    private func patterns(of tenant: String) async throws -> TenantPatterns {
        let load = tenants.withLock { tenants in
            if let load = tenants[tenant] { return load }
            let load = Task {
                let patterns = TenantPatterns(configuration: self.settings.miner)
                try await self.reconcile(patterns, tenant: tenant)
                return patterns
            }
            tenants[tenant] = load
            return load
        }
        do {
            return try await load.value
        } catch {
            tenants.withLock { tenants in if tenants[tenant] == load { tenants[tenant] = nil } }
            throw error
        }
    }
}
