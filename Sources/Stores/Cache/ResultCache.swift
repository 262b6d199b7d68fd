/// A cache of encoded results (search pages today; analytics and patterns later), scoped per
/// tenant and versioned by a per-tenant generation.
///
/// Writers call ``invalidate(tenant:writingFor:)`` after new data commits: the generation advances,
/// so nothing cached before is found again, and the tenant is marked as being written to for a
/// while, during which readers skip the cache. The mark lets writers invalidate at most a few
/// times a second and still answer only after an invalidation that covers their commit: a reader
/// that finds the mark gone started after every commit the mark covered.
///
/// Values are UTF-8 text (encoded JSON); tenant names are slugs. Callers read the generation
/// before computing a result and store it under that generation, so a result computed while an
/// ingest committed can never be stored as current.
public protocol ResultCache: Sendable {
    /// The backend's name for stats (`memory`, `redis`).
    var backend: String { get }
    /// The tenant's current generation, and whether it is marked as being written to.
    func generation(tenant: String) async throws -> CacheGeneration
    /// The value stored for `key` under the tenant's `generation`, if present and not expired.
    func value(tenant: String, generation: Int64, key: String) async throws -> [UInt8]?
    /// Stores a value for `key` under `generation`, kept for `ttl`.
    func store(_ value: [UInt8], tenant: String, generation: Int64, key: String, ttl: Duration) async throws
    /// Marks the tenant as being written to for `window`, then advances its generation: nothing
    /// stored before is found again. A reader that sees the new generation also sees the mark
    /// until it expires.
    func invalidate(tenant: String, writingFor window: Duration) async throws
    /// Advances the tenant's generation and removes its entries.
    func clear(tenant: String) async throws
    /// How many entries the cache holds, and their size in bytes when the backend knows it.
    func size() async throws -> (entries: Int, bytes: Int?)
}

/// A tenant's cache generation, and whether the tenant is marked as being written to (then
/// results are neither read from nor stored in the cache).
public struct CacheGeneration: Sendable, Equatable {
    /// Advances with every invalidation.
    public var number: Int64
    /// True while a write mark is live.
    public var isWriting: Bool

    /// A generation as read from a cache.
    public init(number: Int64, isWriting: Bool) {
        self.number = number
        self.isWriting = isWriting
    }
}
