/// The attribute keys each tenant's records brought in each UTC day, registered up to a limit
/// (``AttributeKeyBudget``), so that the attributes index grows by a bounded number of distinct keys.
/// ``RetentionStore/dropStorage(before:)`` forgets the days before its cutoff.
///
/// Implemented by ``PostgresLogStore`` (a transaction under an advisory lock per tenant and day, so
/// replicas admit one at a time) and ``SQLiteLogStore``, whose process is its only writer: calls from
/// one process must not overlap (``AttributeKeyGate`` in the ingest pipeline runs them one at a time).
public protocol AttributeKeyStore: Sendable {
    /// Registers the keys of the records that fit the day's budget and tells which fit.
    /// - Parameters:
    ///   - keysPerRecord: each record's key paths that the caller does not know to be registered.
    ///   - limit: most distinct keys the tenant's day may hold.
    func admitAttributeKeys(
        tenant: String, day: Int, keysPerRecord: [Set<String>], limit: Int
    ) async throws -> AttributeKeyAdmission
}

/// What ``AttributeKeyStore/admitAttributeKeys(tenant:day:keysPerRecord:limit:)`` decided.
public struct AttributeKeyAdmission: Sendable, Hashable {
    /// Per record, whether it fits.
    public var admitted: [Bool]
    /// The keys among those asked about that are registered now.
    public var registered: Set<String>
    /// How many keys the tenant's day holds now.
    public var count: Int

    /// Creates an admission.
    public init(admitted: [Bool], registered: Set<String>, count: Int) {
        self.admitted = admitted
        self.registered = registered
        self.count = count
    }
}
