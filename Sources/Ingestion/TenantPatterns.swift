import LogModel
import Patterns
import Stores
import Synchronization

/// One tenant's miner, and what of it the store holds: the IDs given to records, the templates
/// stored, and the counts not yet added to the store.
final class TenantPatterns: Sendable {
    private struct State {
        var miner: PatternMiner
        var handedOut: Set<PatternID> = []
        var saved: Set<PatternID> = []
        var uses: [PatternID: PatternTemplate] = [:]
    }

    /// What one batch of records was assigned, and what must be stored before they are.
    struct Batch {
        /// Each record's pattern, in order.
        var ids: [PatternID]
        /// Templates the store does not hold yet (counts zero: counts are added later).
        var templates: [PatternTemplate]
        /// Templates given to records before, or stored, that this batch generalised.
        var merges: [PatternMerge]
    }

    /// A miner rebuilt from the stored templates, and what the rebuild adds to the store.
    struct Rebuilt {
        fileprivate var miner: PatternMiner
        fileprivate var stored: Set<PatternID>
        /// Templates the rebuild made that the store does not hold.
        var templates: [PatternTemplate]
        /// Stored or handed-out templates the rebuild merged into others.
        var merges: [PatternMerge]
    }

    private let state: Mutex<State>

    init(configuration: PatternMiner.Configuration) {
        state = Mutex(State(miner: PatternMiner(configuration: configuration)))
    }

    /// Mines the records' messages, in order. A record whose template a later record of the batch
    /// generalises gets the generalised template.
    func assign(_ records: [LogRecord]) -> Batch {
        state.withLock { state in
            var replacedBy: [PatternID: PatternID] = [:]
            var texts: [PatternID: String] = [:]
            let mined = records.map { record in
                let assignment = state.miner.assign(record.message)
                replacedBy.merge(assignment.replaced) { _, new in new }
                texts[assignment.id] = assignment.template
                return assignment.id
            }
            let ids = mined.map(replacedBy.latest)
            let merges = replacedBy.keys.filter { state.handedOut.contains($0) || state.saved.contains($0) }.sorted()
                .map {
                    PatternMerge(from: $0, to: replacedBy.latest($0))
                }
            var templates: [PatternID: PatternTemplate] = [:]
            for (record, id) in zip(records, ids) {
                state.uses[id, default: Self.unused(id, texts[id], at: record.timestamp)].add(record)
                if !state.saved.contains(id) {
                    templates[id, default: Self.unused(id, texts[id], at: record.timestamp)].add(record, counted: false)
                }
            }
            state.handedOut.formUnion(ids)
            return Batch(ids: ids, templates: templates.values.sorted { $0.id < $1.id }, merges: merges)
        }
    }

    /// A template with no records yet.
    private static func unused(_ id: PatternID, _ template: String?, at time: Timestamp) -> PatternTemplate {
        PatternTemplate(id: id, template: template ?? "", firstSeen: time, lastSeen: time, count: 0, examples: [])
    }

    /// Notes templates as stored.
    func saved(_ ids: [PatternID]) {
        state.withLock { $0.saved.formUnion(ids) }
    }

    /// The counts, times and examples gathered since the last call.
    func takeUses() -> [PatternTemplate] {
        state.withLock { state in
            defer { state.uses = [:] }
            return state.uses.values.sorted { $0.id < $1.id }
        }
    }

    /// Puts back uses that could not be stored.
    func returnUses(_ uses: [PatternTemplate]) {
        state.withLock { state in
            for use in uses { state.uses[use.id] = state.uses[use.id].map { $0.adding(use) } ?? use }
        }
    }

    /// A miner rebuilt from the stored templates and those of the miner not stored yet, or nil when
    /// the miner already holds exactly the stored templates. Every process that rebuilds from the same
    /// stored set gets the same miner.
    func reconciled(with stored: [PatternTemplate], configuration: PatternMiner.Configuration) -> Rebuilt? {
        let (own, known) = state.withLock { state in (state.miner.templates, state.handedOut) }
        let storedIDs = Set(stored.map(\.id))
        guard Set(own.keys) != storedIDs else { return nil }
        let unsaved = own.filter { !storedIDs.contains($0.key) }.sorted { $0.key < $1.key }.map(\.value)
        let (miner, merged) = PatternMiner.reconciling(stored.map(\.template) + unsaved, configuration: configuration)
        let byID = Dictionary(stored.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var sources: [PatternID: [PatternID]] = [:]
        for (source, target) in merged { sources[target, default: []].append(source) }
        let now = Timestamp.now()
        let templates = miner.templates.filter { !storedIDs.contains($0.key) }.sorted { $0.key < $1.key }.map {
            id, template in
            let from = (sources[id, default: []] + [id]).sorted().compactMap { byID[$0] }
            return PatternTemplate(
                id: id, template: template, firstSeen: from.map(\.firstSeen).min() ?? now,
                lastSeen: from.map(\.lastSeen).max() ?? now, count: 0,
                examples: Array(from.flatMap(\.examples).prefix(PatternTemplate.maxExamples)))
        }
        let merges = merged.filter { storedIDs.contains($0.key) || known.contains($0.key) }.map {
            PatternMerge(from: $0.key, to: $0.value)
        }
        return Rebuilt(
            miner: miner, stored: storedIDs.union(templates.map(\.id)), templates: templates,
            merges: merges.sorted { $0.from < $1.from })
    }

    /// Mines with a rebuilt miner from now on, its templates noted as stored.
    func replace(_ rebuilt: Rebuilt) {
        state.withLock { state in
            state.miner = rebuilt.miner
            state.saved = rebuilt.stored
        }
    }
}

extension PatternTemplate {
    /// Counts a record (unless not `counted`): its time widens first and last seen, and its message
    /// is an example while there are fewer than ``maxExamples`` other ones.
    fileprivate mutating func add(_ record: LogRecord, counted: Bool = true) {
        if counted { count += 1 }
        if record.timestamp < firstSeen { firstSeen = record.timestamp }
        if record.timestamp > lastSeen { lastSeen = record.timestamp }
        if examples.count < Self.maxExamples, !examples.contains(record.message) { examples.append(record.message) }
    }
}
