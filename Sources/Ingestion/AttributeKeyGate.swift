public import LogModel
public import Stores

/// Refuses the records that would take their tenant's day past its budget of distinct attribute keys
/// (``AttributeKeyBudget``), before they reach the writer.
///
/// The keys known to be registered are kept per tenant and day, so a record whose keys are all known
/// costs a set lookup; only records with keys not seen before ask the store, one admission at a time
/// per tenant and day (``AttributeKeyStore`` needs that within a process), so one tenant inventing
/// keys never waits on another's.
public actor AttributeKeyGate {
    private struct Day: Hashable {
        var tenant: String
        var day: Int
    }

    private let store: any AttributeKeyStore
    /// Most distinct attribute keys a tenant may bring in one UTC day.
    public let limit: Int
    private var known: [Day: Set<String>] = [:]
    private var admissions: [Day: Task<Void, Never>] = [:]
    /// Most tenant days whose keys are held; past it they are forgotten and read again when needed.
    private let maxKnownDays = 1024

    /// The rejection code of a refused record.
    public static let code = "too_many_attribute_keys"
    /// Why a refused record was refused.
    public nonisolated let reason: String

    /// Creates a gate over the store that registers the keys.
    public init(store: any AttributeKeyStore, limit: Int) {
        self.store = store
        self.limit = limit
        reason = "brings attribute keys past its tenant's limit of \(limit) distinct keys a day"
    }

    /// Registers the keys of the records that fit and returns the positions of those that do not.
    /// - Throws: the store's error, when it could not decide.
    public func refused(_ records: [LogRecord]) async throws -> Set<Int> {
        var pending: [Day: [(index: Int, keys: Set<String>)]] = [:]
        for (index, record) in records.enumerated() where !record.attributes.isEmpty {
            let day = Day(tenant: record.tenant, day: record.timestamp.utcDay)
            let keys = record.attributeKeyPaths.subtracting(known[day] ?? [])
            if !keys.isEmpty { pending[day, default: []].append((index, keys)) }
        }
        var refused = Set<Int>()
        for (day, records) in pending {
            let admission = try await oneAtATime(day) { [store, limit] in
                try await store.admitAttributeKeys(
                    tenant: day.tenant, day: day.day, keysPerRecord: records.map(\.keys), limit: limit)
            }
            if known[day] == nil, known.count >= maxKnownDays { known.removeAll() }
            known[day, default: []].formUnion(admission.registered)
            for (record, admitted) in zip(records, admission.admitted) where !admitted { refused.insert(record.index) }
        }
        return refused
    }

    /// Runs `work` after every admission of the same day that started before it.
    private func oneAtATime(
        _ day: Day, _ work: @escaping @Sendable () async throws -> AttributeKeyAdmission
    ) async throws -> AttributeKeyAdmission {
        let previous = admissions[day]
        let admission = Task {
            await previous?.value
            return try await work()
        }
        let finished = Task { _ = await admission.result }
        admissions[day] = finished
        defer { if admissions[day] == finished { admissions[day] = nil } }
        return try await admission.value
    }
}
