import LogModel
import LogQuery

/// The commit feed's SQL that PostgreSQL and SQLite share.
enum SQLCommittedRecords {
    /// The channel commits are announced on.
    static let channel = "logsmith_commits"

    /// The WHERE condition for the records of `batches` in `tenant` that match `query`: the batches'
    /// time range (so only their partitions are read) and their IDs.
    static func condition<Dialect: SQLDialect>(
        _ batches: [CommittedBatch], tenant: String, query: QueryNode, _ builder: inout SQLBuilder<Dialect>
    ) -> String {
        let start = batches.map(\.earliest).min()
        let end = batches.map(\.latest).max().map { Timestamp(microseconds: $0.microseconds + 1) }
        let search = builder.searchCondition(SearchRequest(tenant: tenant, query: query, start: start, end: end))
        let ids = builder.bind(JSONValue.array(batches.flatMap(\.ids).map(JSONValue.string)).jsonText)
        return
            "\(search) AND id IN (SELECT \(Dialect.id(fromText: "key")) FROM (\(Dialect.textArrayElements(ids))) AS ids)"
    }

    /// Reports the batches announced on `database` (see ``CommitFeed/watchCommits(_:)``).
    static func watch(_ database: some SQLDatabase, _ event: @escaping @Sendable (CommitFeedEvent) -> Void)
        async throws
    {
        try await database.listen(channel) { notification in
            switch notification {
            case .listening: event(.listening)
            case .received(let payload): CommittedBatch(payload: payload).map { event(.committed($0)) }
            }
        }
    }

    /// The records of `batches` in `tenant` that match `query`, in the order the batches name them:
    /// `columns` of `logs` read by `fetch`.
    static func records<Dialect: SQLDialect>(
        _ batches: [CommittedBatch], tenant: String, query: QueryNode, columns: String, dialect: Dialect.Type,
        fetch: (String, [SQLValue]) async throws -> [LogRecord]
    ) async throws -> [LogRecord] {
        guard !batches.isEmpty else { return [] }
        var builder = SQLBuilder<Dialect>()
        let condition = condition(batches, tenant: tenant, query: query, &builder)
        return inOrder(try await fetch("SELECT \(columns) FROM logs WHERE \(condition)", builder.values), of: batches)
    }

    /// `records` in the order `batches` name them.
    private static func inOrder(_ records: [LogRecord], of batches: [CommittedBatch]) -> [LogRecord] {
        var positions: [String: Int] = [:]
        for (position, id) in batches.flatMap(\.ids).enumerated() { positions[id] = position }
        return records.sorted { positions[$0.id, default: 0] < positions[$1.id, default: 0] }
    }
}
