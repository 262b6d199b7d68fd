public import LogModel
public import LogQuery
public import ServiceLifecycle

/// Durable storage of log records, searchable by the query language.
///
/// Implementations: ``PostgresLogStore`` (production) and ``SQLiteLogStore`` (embedded default).
/// Both pass one contract test suite. The store is a `Service`: its `run()` owns connections and
/// returns after graceful shutdown.
///
/// Contract:
/// - ``insert(_:)`` is atomic and durable: when it returns, every record is committed; when it
///   throws, none is.
/// - Every read is scoped to one tenant; nothing of another tenant is ever returned.
/// - Search results are ordered newest first by `(timestamp, id)`; a cursor continues strictly after
///   the last record of the previous page, so concurrent inserts cause neither gaps nor duplicates
///   among the records that existed when paging began.
public protocol LogStore: Service {
    /// Creates or upgrades the schema; safe to run concurrently from several processes.
    func migrate() async throws

    /// Commits all records in one transaction.
    func insert(_ records: [LogRecord]) async throws

    /// One page of records matching the request, newest first.
    func search(_ request: SearchRequest) async throws -> SearchPage

    /// The record with the given ID, or nil.
    func record(tenant: String, id: String) async throws -> LogRecord?

    /// Every record whose `correlation_id` or `trace_id` equals `id`, oldest first, at most `limit`.
    func correlated(tenant: String, id: String, limit: Int) async throws -> [LogRecord]

    /// How many records of the request's tenant match its query and time range, in all, by level
    /// and by service (its limit and cursor are ignored).
    func stats(_ request: SearchRequest) async throws -> LogStats
    /// Deletes one record of the tenant; false when the tenant has no record with that ID.
    func delete(tenant: String, id: String) async throws -> Bool

    /// Deletes every record of the request's tenant matching its query and time range (its limit
    /// and cursor are ignored), and returns how many were deleted.
    func delete(matching request: SearchRequest) async throws -> Int

    /// Succeeds when the store can answer queries.
    func ping() async throws

    /// The rows of a histogram: records counted by bucket number and series key (see
    /// ``Histogram/init(rows:request:)``, which folds them).
    func histogramRows(_ request: HistogramRequest) async throws -> [HistogramRow]

    /// Counts by combination of field values (see ``GroupByRequest``).
    func groupCounts(_ request: GroupByRequest) async throws -> GroupCounts

    /// The busiest endpoints of access-log records, with errors and latency percentiles.
    func endpoints(_ request: EndpointsRequest) async throws -> [EndpointStats]

    /// The timestamp of the tenant's oldest record, or nil when it has none.
    func oldestTimestamp(tenant: String) async throws -> Timestamp?

    /// How far an upload got: the highest `upload.line` attribute among the tenant's records whose
    /// `upload.id` attribute is `uploadID`, or 0 when it has none.
    func uploadProgress(tenant: String, uploadID: String) async throws -> Int

    /// The store to serve a read request from: one that sees every record committed before this
    /// call, in any process. ``PostgresLogStore`` may answer with a view on a standby that has
    /// replayed that far; the default is the store itself.
    func consistentReads() async -> Self
}

extension LogStore {
    /// The store itself: every read sees every committed record.
    public func consistentReads() async -> Self { self }
}

/// What to search for: a tenant, a parsed query, an optional time range, a page size and a cursor.
public struct SearchRequest: Sendable, Hashable {
    /// The tenant whose records are searched.
    public var tenant: String
    /// The parsed query.
    public var query: QueryNode
    /// Inclusive lower bound on `timestamp`.
    public var start: Timestamp?
    /// Exclusive upper bound on `timestamp`.
    public var end: Timestamp?
    /// Largest number of records to return.
    public var limit: Int
    /// Continue after this position, from a previous page's ``SearchPage/nextCursor``.
    public var cursor: SearchCursor?

    /// Creates a request.
    public init(
        tenant: String, query: QueryNode = .all, start: Timestamp? = nil, end: Timestamp? = nil, limit: Int = 100,
        cursor: SearchCursor? = nil
    ) {
        self.tenant = tenant
        self.query = query
        self.start = start
        self.end = end
        self.limit = limit
        self.cursor = cursor
    }
}

/// One page of search results.
public struct SearchPage: Sendable, Hashable {
    /// The records, newest first.
    public var records: [LogRecord]
    /// Where the next page starts; nil when this page is the last.
    public var nextCursor: SearchCursor?

    /// Creates a page.
    public init(records: [LogRecord], nextCursor: SearchCursor?) {
        self.records = records
        self.nextCursor = nextCursor
    }

    /// A page of at most `limit` records built from up to `limit + 1` fetched rows: the extra row
    /// only tells that another page exists.
    init(fetched: [LogRecord], limit: Int) {
        let page = Array(fetched.prefix(limit))
        self.records = page
        self.nextCursor = fetched.count > limit ? page.last.map(SearchCursor.init(after:)) : nil
    }
}

/// Counts of matching records: in all, by level and by service.
public struct LogStats: Sendable, Hashable {
    /// Every matching record.
    public var total: Int
    /// Matching records by level; levels without records are absent.
    public var byLevel: [LogLevel: Int]
    /// Matching records by service; records without a service are counted in ``total`` only.
    public var byService: [String: Int]

    /// Creates counts.
    public init(total: Int, byLevel: [LogLevel: Int], byService: [String: Int]) {
        self.total = total
        self.byLevel = byLevel
        self.byService = byService
    }

    /// No records.
    public static let none = LogStats(total: 0, byLevel: [:], byService: [:])

    /// Adds `count` records of one level and (optional) service.
    mutating func add(_ count: Int, level: LogLevel, service: String?) {
        total += count
        byLevel[level, default: 0] += count
        if let service { byService[service, default: 0] += count }
    }

    /// Adds the counts of records counted apart from these.
    public mutating func add(_ other: LogStats) {
        total += other.total
        byLevel.merge(other.byLevel, uniquingKeysWith: +)
        byService.merge(other.byService, uniquingKeysWith: +)
    }
}
