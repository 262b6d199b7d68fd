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
    /// Whether errors are counted too: records at ERROR or above, or with `http.status` 500 or above.
    public var countsErrors: Bool

    /// Creates a request.
    public init(search: SearchRequest, intervalMicroseconds: Int64, by: AnalyticsField?, countsErrors: Bool = false) {
        self.search = search
        self.intervalMicroseconds = intervalMicroseconds
        self.by = by
        self.countsErrors = countsErrors
    }
}

/// Records of one bucket and series key, as a store counts them.
public struct HistogramRow: Sendable, Hashable {
    /// The bucket's number (its start divided by the interval).
    public var bucket: Int64
    /// The split field's value; nil when there is no split or the record has none.
    public var key: String?
    /// Records.
    public var count: Int
    /// Errors among them (0 unless the request counts them).
    public var errors: Int

    /// Creates a row.
    public init(bucket: Int64, key: String?, count: Int, errors: Int = 0) {
        self.bucket = bucket
        self.key = key
        self.count = count
        self.errors = errors
    }
}

/// Counts per time bucket and series, every bucket of the range present (zero where nothing fell).
public struct Histogram: Sendable, Hashable {
    /// One series: a value of the split field (or `all`, or `other` for the values past the top ten)
    /// with its count (and errors) in each bucket and in all.
    public struct Series: Sendable, Hashable {
        /// The value; nil for records without one.
        public var key: String?
        /// Counts, one per bucket, in bucket order.
        public var counts: [Int]
        /// The sum of the counts.
        public var total: Int
        /// Errors, one per bucket (zeros unless the request counts them).
        public var errors: [Int]
    }

    /// How many series are kept; the rest are summed into `other`.
    public static let topSeries = 10

    /// The start of each bucket, oldest first.
    public var buckets: [Timestamp]
    /// The series, largest total first, `other` last.
    public var series: [Series]
    /// Whether values past the top ten were summed into the last series.
    public var hasOther: Bool

    /// Folds rows into series over every bucket of the request's range.
    public init(rows: [HistogramRow], request: HistogramRequest) {
        let interval = request.intervalMicroseconds
        let first = Self.bucket(of: request.search.start ?? Timestamp(microseconds: 0), interval)
        let last = Self.bucket(of: (request.search.end ?? .now()).adding(microseconds: -1), interval)
        buckets = (first...max(first, last)).map { Timestamp(microseconds: $0 * interval) }
        let zeros = Array(repeating: 0, count: buckets.count)
        var byKey: [String?: (counts: [Int], errors: [Int])] = [:]
        for row in rows where row.bucket >= first && row.bucket <= last {
            let index = Int(row.bucket - first)
            byKey[row.key, default: (zeros, zeros)].counts[index] += row.count
            byKey[row.key, default: (zeros, zeros)].errors[index] += row.errors
        }
        let ranked = byKey.map {
            Series(key: $0.key, counts: $0.value.counts, total: $0.value.counts.reduce(0, +), errors: $0.value.errors)
        }.sorted { ($0.total, $1.key ?? "") > ($1.total, $0.key ?? "") }
        series = Array(ranked.prefix(Self.topSeries))
        hasOther = ranked.count > Self.topSeries
        if hasOther {
            var other = Series(key: "other", counts: zeros, total: 0, errors: zeros)
            for rest in ranked.dropFirst(Self.topSeries) {
                for index in zeros.indices {
                    other.counts[index] += rest.counts[index]
                    other.errors[index] += rest.errors[index]
                }
                other.total += rest.total
            }
            series.append(other)
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
        let errors =
            request.countsErrors
            ? "sum(CASE WHEN level IN ('ERROR', 'FATAL') OR http_status >= 500 THEN 1 ELSE 0 END)" : "0"
        return (
            "SELECT \(bucket), \(key), count(*), \(errors) FROM logs WHERE \(condition) GROUP BY 1, 2", builder.values
        )
    }

    /// The rows of `request`, its statement run by `run`.
    static func rows(for request: HistogramRequest, run: StatementRunner) async throws -> [HistogramRow] {
        let (sql, values) = statement(request)
        return try rows(try await run(sql, values))
    }

    static func rows(_ rows: [[SQLValue?]]) throws -> [HistogramRow] {
        try rows.map { row in
            HistogramRow(
                bucket: try row.integer(0), key: row[1]?.text, count: Int(try row.integer(2)),
                errors: Int(try row.integer(3)))
        }
    }
}
