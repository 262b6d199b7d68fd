/// A cache of encoded results (search pages today; analytics and patterns later), scoped per
/// tenant and versioned by a per-tenant generation: ingest advances the generation, after which
/// nothing cached before is found again, so a search right after an ingest sees the new record.
///
/// Values are UTF-8 text (encoded JSON); tenant names are slugs. Callers read the generation before computing a result and store it under that generation, so a
/// result computed while an ingest committed can never be stored as current.
public protocol ResultCache: Sendable {
    /// The backend's name for stats (`memory`, `redis`).
    var backend: String { get }
    /// The tenant's current generation.
    func generation(tenant: String) async throws -> Int64
    /// The value stored for `key` under the tenant's `generation`, if present and not expired.
    func value(tenant: String, generation: Int64, key: String) async throws -> [UInt8]?
    /// Stores a value for `key` under `generation`, kept for `ttl`.
    func store(_ value: [UInt8], tenant: String, generation: Int64, key: String, ttl: Duration) async throws
    /// Advances the tenant's generation: nothing stored before is found again.
    func invalidate(tenant: String) async throws
    /// Invalidates the tenant and removes its entries.
    func clear(tenant: String) async throws
    /// How many entries the cache holds, and their size in bytes when the backend knows it.
    func size() async throws -> (entries: Int, bytes: Int?)
}
