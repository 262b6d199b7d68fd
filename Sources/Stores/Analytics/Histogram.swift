public import LogModel

/// What a histogram counts: the records of a search's tenant, query and time range, in buckets of
/// `interval` aligned to multiples of it since the epoch (UTC), optionally split by a field.
public struct HistogramRequest: Sendable, Hashable {
    /// The tenant, the query and the range; the range must be bounded on both sides.
    public var search: SearchRequest
    /// The bucket width in microseconds.
    public var intervalMicroseconds: Int64
    /// The field each bucket's count is split by, or nil for one count per bucket.
    public var by: AnalyticsField?

    /// Creates a request.
    public init(search: SearchRequest, intervalMicroseconds: Int64, by: AnalyticsField?) {
        self.search = search
        self.intervalMicroseconds = intervalMicroseconds
        self.by = by
    }
}

/// Counts per time bucket and series, every bucket of the range present (zero where nothing fell).
public struct Histogram: Sendable, Hashable {
    /// One series: a value of the split field (or `all`, or `other` for the values past the top ten)
    /// with its count in each bucket and in all.
    public struct Series: Sendable, Hashable {
        /// The value; nil for records without one.
        public var key: String?
        /// Counts, one per bucket, in bucket order.
        public var counts: [Int]
        /// The sum of the counts.
        public var total: Int
    }

    /// How many series are kept; the rest are summed into `other`.
    public static let topSeries = 10

    /// The start of each bucket, oldest first.
    public var buckets: [Timestamp]
    /// The series, largest total first, `other` last.
    public var series: [Series]
    /// Whether values past the top ten were summed into the last series.
    public var hasOther: Bool

    /// Folds rows of (bucket number, key, count) into series over every bucket of the request's range.
    public init(rows: [(bucket: Int64, key: String?, count: Int)], request: HistogramRequest) {
        let interval = request.intervalMicroseconds
        let first = Self.bucket(of: request.search.start ?? Timestamp(microseconds: 0), interval)
        let last = Self.bucket(of: (request.search.end ?? .now()).adding(microseconds: -1), interval)
        buckets = (first...max(first, last)).map { Timestamp(microseconds: $0 * interval) }
        var byKey: [String?: [Int]] = [:]
        for row in rows where row.bucket >= first && row.bucket <= last {
            byKey[row.key, default: Array(repeating: 0, count: buckets.count)][Int(row.bucket - first)] += row.count
        }
        let ranked = byKey.map { Series(key: $0.key, counts: $0.value, total: $0.value.reduce(0, +)) }
            .sorted { ($0.total, $1.key ?? "") > ($1.total, $0.key ?? "") }
        let kept = ranked.prefix(Self.topSeries)
        series = Array(kept)
        hasOther = ranked.count > Self.topSeries
        if hasOther {
            var counts = Array(repeating: 0, count: buckets.count)
            for rest in ranked.dropFirst(Self.topSeries) {
                for index in counts.indices { counts[index] += rest.counts[index] }
            }
            series.append(Series(key: "other", counts: counts, total: counts.reduce(0, +)))
        }
    }

    /// The number of the bucket a timestamp falls in (floor division, so before 1970 too).
    public static func bucket(of timestamp: Timestamp, _ interval: Int64) -> Int64 {
        let (quotient, remainder) = timestamp.microseconds.quotientAndRemainder(dividingBy: interval)
        return remainder < 0 ? quotient - 1 : quotient
    }
}

/// The histogram's SQL, shared by both stores: one grouped count by bucket and series key.
enum SQLHistogram<Dialect: SQLDialect> {
    static func statement(_ request: HistogramRequest) -> (sql: String, values: [SQLValue]) {
        var builder = SQLBuilder<Dialect>()
        let condition = builder.searchCondition(request.search)
        let bucket = Dialect.bucket(builder.bind(.integer(request.intervalMicroseconds)))
        let key = request.by.map { $0.expression(&builder) } ?? "NULL"
        return (
            "SELECT \(bucket), \(key), count(*) FROM logs WHERE \(condition) GROUP BY 1, 2", builder.values
        )
    }

    static func rows(_ rows: [[SQLValue?]]) throws -> [(bucket: Int64, key: String?, count: Int)] {
        try rows.map { row in (try row.integer(0), row[1]?.text, Int(try row.integer(2))) }
    }
}
