public import LogModel
public import Stores
import Synchronization

/// Refuses the records that would take their tenant's day past its budget of distinct attribute keys
/// (``AttributeKeyBudget``), before they reach the writer.
///
/// The keys known to be registered are kept per tenant and day, so a record whose keys are all known
/// costs set lookups under a lock; records with keys not seen before ask the store, one admission at
/// a time per tenant and day (``AttributeKeyStore`` needs that within a process), each about at most
/// `limit` keys, so one tenant inventing keys never waits on another's. Once a day is full, records
/// with unknown keys are refused without asking the store for ``fullRecheck``, after which the store
/// is asked again, since another replica may have registered those keys meanwhile.
public final class AttributeKeyGate: Sendable {
    private struct Day: Hashable {
        var tenant: String
        var day: Int
    }

    private struct DayState {
        var keys: Set<String> = []
        var fullSince: ContinuousClock.Instant?
    }

    private typealias Pending = (index: Int, keys: Set<String>)

    /// The rejection code of a refused record.
    public static let code = "too_many_attribute_keys"
    /// How long a day found full is taken as full without asking the store.
    public static let fullRecheck = Duration.seconds(10)
    /// Most tenant days whose keys are held; past it they are forgotten and read again when needed.
    private static let maxKnownDays = 1024

    private let store: any AttributeKeyStore
    /// Most distinct attribute keys a tenant may bring in one UTC day.
    public let limit: Int
    /// Why a refused record was refused.
    public let reason: String
    private let days = Mutex<[Day: DayState]>([:])
    private let admissions = Mutex<[Day: Task<Void, Never>]>([:])

    /// Creates a gate over the store that registers the keys.
    public init(store: any AttributeKeyStore, limit: Int) {
        self.store = store
        self.limit = limit
        reason = "brings attribute keys past its tenant's limit of \(limit) distinct keys a day"
    }

    /// Registers the keys of the records that fit and returns the positions of those that do not.
    /// - Throws: the store's error, when it could not decide.
    public func refused(_ records: [LogRecord]) async throws -> Set<Int> {
        let known = days.withLock { $0 }
        var pending: [Day: [Pending]] = [:]
        for (index, record) in records.enumerated() where !record.attributes.isEmpty {
            let day = Day(tenant: record.tenant, day: record.timestamp.utcDay)
            let keys = record.attributeKeyPaths(notIn: known[day]?.keys ?? [])
            if !keys.isEmpty { pending[day, default: []].append((index, keys)) }
        }
        var refused = Set<Int>()
        for (day, records) in pending {
            var rest = records[...]
            while !rest.isEmpty {
                if let since = days.withLock({ $0[day]?.fullSince }), ContinuousClock.now - since < Self.fullRecheck {
                    refused.formUnion(rest.map(\.index))
                    break
                }
                let chunk = takeChunk(&rest)
                let admission = try await oneAtATime(day) { [store, limit] in
                    try await store.admitAttributeKeys(
                        tenant: day.tenant, day: day.day, keysPerRecord: chunk.map(\.keys), limit: limit)
                }
                remember(admission, for: day)
                for (record, admitted) in zip(chunk, admission.admitted) where !admitted {
                    refused.insert(record.index)
                }
                rest =
                    rest.compactMap { record in
                        let keys = record.keys.subtracting(admission.registered)
                        return keys.isEmpty ? nil : (record.index, keys)
                    }[...]
            }
        }
        return refused
    }

    /// Takes records from the front while their keys together number at most ``limit`` (at least one
    /// record), so that no admission asks about more keys than a day can hold.
    private func takeChunk(_ rest: inout ArraySlice<Pending>) -> [Pending] {
        var chunk: [Pending] = []
        var keys = 0
        while let next = rest.first, chunk.isEmpty || keys + next.keys.count <= limit {
            chunk.append(next)
            keys += next.keys.count
            rest.removeFirst()
        }
        return chunk
    }

    private func remember(_ admission: AttributeKeyAdmission, for day: Day) {
        let full = admission.count >= limit ? ContinuousClock.now : nil
        days.withLock { days in
            if days[day] == nil, days.count >= Self.maxKnownDays { days.removeAll() }
            days[day, default: DayState()].keys.formUnion(admission.registered)
            days[day]?.fullSince = full
        }
    }

    /// Runs `work` after every admission of the same day that started before it.
    private func oneAtATime(
        _ day: Day, _ work: @escaping @Sendable () async throws -> AttributeKeyAdmission
    ) async throws -> AttributeKeyAdmission {
        let (admission, finished) = admissions.withLock { chains in
            let previous = chains[day]
            let admission = Task {
                await previous?.value
                return try await work()
            }
            let finished = Task { _ = await admission.result }
            chains[day] = finished
            return (admission, finished)
        }
        defer { admissions.withLock { chains in if chains[day] == finished { chains[day] = nil } } }
        return try await admission.value
    }
}
