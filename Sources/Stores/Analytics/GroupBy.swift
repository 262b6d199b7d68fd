/// What a group-by counts: the records of a search's tenant, query and time range, by each
/// combination of values of one to three fields.
public struct GroupByRequest: Sendable, Hashable {
    /// The tenant, the query and the range.
    public var search: SearchRequest
    /// The fields, one to three.
    public var fields: [AnalyticsField]
    /// How many combinations to return.
    public var limit: Int
    /// Whether the largest counts come first (else the smallest).
    public var descending: Bool

    /// Creates a request.
    public init(search: SearchRequest, fields: [AnalyticsField], limit: Int, descending: Bool) {
        self.search = search
        self.fields = fields
        self.limit = limit
        self.descending = descending
    }
}

/// Counts by combination of field values: the `limit` first combinations in the order asked for,
/// and how many records the others hold.
public struct GroupCounts: Sendable, Hashable {
    /// One combination: a value (nil when absent) per field, and its count.
    public struct Group: Sendable, Hashable {
        /// The values, in the order of the request's fields.
        public var keys: [String?]
        /// Records with those values.
        public var count: Int
    }

    /// The combinations returned.
    public var groups: [Group]
    /// Records that match the request.
    public var total: Int

    /// No records.
    public static let none = GroupCounts(groups: [], total: 0)

    /// Records in the combinations not returned.
    public var other: Int { total - groups.reduce(0) { $0 + $1.count } }
}

/// The group-by's SQL, shared by both stores: a grouped count in order, and the total.
enum SQLGroupBy<Dialect: SQLDialect> {
    /// The grouped count and the total, each with the values it binds.
    static func statements(_ request: GroupByRequest) -> (
        groups: (sql: String, values: [SQLValue]), total: (sql: String, values: [SQLValue])
    ) {
        var totalBuilder = SQLBuilder<Dialect>()
        let total = "SELECT count(*) FROM logs WHERE \(totalBuilder.searchCondition(request.search))"
        var builder = SQLBuilder<Dialect>()
        let condition = builder.searchCondition(request.search)
        let keys = request.fields.map { $0.expression(&builder) }
        let positions = (1...keys.count).map(String.init).joined(separator: ", ")
        let limit = builder.bind(.integer(Int64(request.limit)))
        let groups = """
            SELECT \(keys.joined(separator: ", ")), count(*) FROM logs WHERE \(condition) GROUP BY \(positions) \
            ORDER BY \(keys.count + 1) \(request.descending ? "DESC" : "ASC"), \(positions) LIMIT \(limit)
            """
        return ((groups, builder.values), (total, totalBuilder.values))
    }

    /// The counts of `request`, its two statements run by `run`.
    static func counts(for request: GroupByRequest, run: StatementRunner) async throws -> GroupCounts {
        let (groups, total) = statements(request)
        return try counts(
            groups: try await run(groups.sql, groups.values), total: try await run(total.sql, total.values),
            fields: request.fields.count)
    }

    static func counts(groups: [[SQLValue?]], total: [[SQLValue?]], fields: Int) throws -> GroupCounts {
        GroupCounts(
            groups: try groups.map { row in
                GroupCounts.Group(keys: (0..<fields).map { row[$0]?.text }, count: Int(try row.integer(fields)))
            },
            total: Int(try total.first?.integer(0) ?? 0))
    }
}
