public import LogModel
public import LogQuery

/// Durable storage of each tenant's log patterns beside its records: templates, the merges that
/// replaced templates by more general ones, and counts over any range from the records'
/// `pattern_id` column.
///
/// Implementations: ``PostgresLogStore`` and ``SQLiteLogStore``, through one contract test suite.
///
/// Contract:
/// - ``recordPatterns(tenant:templates:merges:)`` adds to what is stored, in any order and from any
///   number of processes: a template's first seen only moves earlier, its last seen only later, its
///   count only up, and its examples are the longest list offered (at most three).
/// - Merges are kept flat: after recording `a -> b` and `b -> c`, `a` and `b` both belong to `c`, and
///   a pattern never belongs to itself.
/// - Counts and listings are scoped to one tenant and come from the records, never from re-mining.
public protocol PatternStore: Sendable {
    /// Adds templates (their counts added to the stored counts) and merges.
    func recordPatterns(tenant: String, templates: [PatternTemplate], merges: [PatternMerge]) async throws

    /// The tenant's templates that no merge replaced.
    func currentPatterns(tenant: String) async throws -> [PatternTemplate]

    /// The patterns of the records matching a request, with their counts in its range.
    func patternSummaries(_ request: PatternListRequest) async throws -> [PatternSummary]

    /// One pattern's summary over the request's range (the pattern it was merged into, when it was),
    /// ignoring the request's sort and limit; nil when the tenant has no such pattern.
    func patternSummary(id: PatternID, _ request: PatternListRequest) async throws -> PatternSummary?
}

/// A template as a tenant's pattern set holds it.
public struct PatternTemplate: Sendable, Hashable {
    /// The template's ID, from its text.
    public var id: PatternID
    /// The template's text, `<*>` for values.
    public var template: String
    /// The earliest timestamp of a record assigned it.
    public var firstSeen: Timestamp
    /// The latest timestamp of a record assigned it.
    public var lastSeen: Timestamp
    /// Records assigned it (when recording: records since the last time it was recorded).
    public var count: Int
    /// Up to three messages assigned it.
    public var examples: [String]

    /// Creates a template.
    public init(
        id: PatternID, template: String, firstSeen: Timestamp, lastSeen: Timestamp, count: Int, examples: [String]
    ) {
        self.id = id
        self.template = template
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.count = count
        self.examples = examples
    }
}

extension PatternTemplate {
    /// Most examples a template keeps.
    public static let maxExamples = 3

    /// This and more uses of the same template: counts added, times widened, examples topped up with
    /// messages not among them yet.
    public func adding(_ other: PatternTemplate) -> PatternTemplate {
        var sum = self
        sum.firstSeen = min(firstSeen, other.firstSeen)
        sum.lastSeen = max(lastSeen, other.lastSeen)
        sum.count += other.count
        for example in other.examples where sum.examples.count < Self.maxExamples && !sum.examples.contains(example) {
            sum.examples.append(example)
        }
        return sum
    }
}

/// A template replaced by a more general one: records assigned `from` belong to `to`.
public struct PatternMerge: Sendable, Hashable {
    /// The replaced template's ID.
    public var from: PatternID
    /// The ID of the template that replaced it.
    public var to: PatternID

    /// Creates a merge.
    public init(from: PatternID, to: PatternID) {
        self.from = from
        self.to = to
    }
}

/// Which patterns to list: those of the records matching a query in a time range.
public struct PatternListRequest: Sendable, Hashable {
    /// How patterns are ordered.
    public enum Sort: String, Sendable, Hashable, CaseIterable {
        /// Most records in the range first.
        case count
        /// The most recently first seen template first (first seen ever, not in the range).
        case new
    }

    /// The tenant, query and range (`start` and `end` are required; limit and cursor are ignored).
    public var search: SearchRequest
    /// Most patterns to return.
    public var limit: Int
    /// The order.
    public var sort: Sort
    /// Buckets of each pattern's sparkline over the range.
    public var buckets: Int

    /// Creates a request over `[start, end)`.
    public init(
        tenant: String, query: QueryNode = .all, start: Timestamp, end: Timestamp, limit: Int = 50,
        sort: Sort = .count, buckets: Int = 30
    ) {
        self.search = SearchRequest(tenant: tenant, query: query, start: start, end: end)
        self.limit = limit
        self.sort = sort
        self.buckets = buckets
    }
}

/// A pattern and its records in a range.
public struct PatternSummary: Sendable, Hashable {
    /// The pattern's template (its ID, text, first and last seen ever, stored count and examples).
    public var template: PatternTemplate
    /// Matching records in the range.
    public var count: Int
    /// The earliest timestamp of a matching record in the range.
    public var firstInRange: Timestamp
    /// The latest timestamp of a matching record in the range.
    public var lastInRange: Timestamp
    /// Matching records by level.
    public var levels: [LogLevel: Int]
    /// The services with most matching records, most first (at most five).
    public var services: [ServiceCount]
    /// Matching records per equal slice of the range, oldest first.
    public var sparkline: [Int]
    /// The IDs whose records are counted here: the pattern's and those merged into it that have records.
    public var mergedIDs: [PatternID]

    /// Creates a summary.
    public init(
        template: PatternTemplate, count: Int, firstInRange: Timestamp, lastInRange: Timestamp,
        levels: [LogLevel: Int], services: [ServiceCount], sparkline: [Int], mergedIDs: [PatternID]
    ) {
        self.template = template
        self.count = count
        self.firstInRange = firstInRange
        self.lastInRange = lastInRange
        self.levels = levels
        self.services = services
        self.sparkline = sparkline
        self.mergedIDs = mergedIDs
    }
}

/// A service and a count of its records.
public struct ServiceCount: Sendable, Hashable {
    /// The service.
    public var service: String
    /// Its records.
    public var count: Int

    /// Creates a count.
    public init(service: String, count: Int) {
        self.service = service
        self.count = count
    }
}
