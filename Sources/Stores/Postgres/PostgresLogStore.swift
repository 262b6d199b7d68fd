public import LogModel
import LogQuery
public import Logging
public import PostgresNIO
import ServiceLifecycle
public import Telemetry

/// The production ``LogStore`` on PostgreSQL, through postgres-nio's connection pool.
///
/// Inserts go in as one `INSERT ... SELECT FROM unnest(...)` statement with one array parameter per
/// column, so a batch of any size is one round trip and every value is bound.
public struct PostgresLogStore: LogStore {
    private let recentRows: Int
    private let client: PostgresClient
    private let logger: Logger
    private let partitions = PostgresPartitions()
    private let instrumentation: StatementInstrumentation

    /// Creates a store; connections open once ``run()`` is running. With `observability`, every
    /// statement gets a span and its duration is recorded.
    /// - Parameter recentRows: how many of the newest rows a message-text search filters in time
    ///   order before it turns to the planner's plan (see ``search(_:)``).
    public init(
        configuration: PostgresClient.Configuration, logger: Logger, observability: Observability? = nil,
        recentRows: Int = PostgresLogStore.defaultRecentRows
    ) {
        self.recentRows = recentRows
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
        self.instrumentation = StatementInstrumentation(system: "postgresql", observability: observability)
    }

    /// Runs the connection pool until graceful shutdown.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await client.run()
        }
    }

    /// Applies the migrations not yet applied; see the schema type for what they create.
    public func migrate() async throws {
        try await withStoreErrors("migration failed") {
            try await instrumentation.statement("", operation: "migrate") { try await applyMigrations() }
            let now = Timestamp.now()
            try await ensurePartitions(for: [now, now.adding(microseconds: 32 * 86_400 * 1_000_000)])
        }
    }

    private func applyMigrations() async throws {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(7420001)", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())
                """, logger: logger)
            var applied: Set<Int> = []
            for try await version in try await connection.query(
                "SELECT version FROM schema_migrations", logger: logger
            ).decode(Int.self) {
                applied.insert(version)
            }
            for migration in PostgresMigrations.all where !applied.contains(migration.version) {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO schema_migrations (version) VALUES (\(migration.version))", logger: logger)
            }
        }
    }

    /// The values one batch insert binds: one array per column, each with a value per record.
    public static func batchBindings(for records: [LogRecord]) -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 14)
        bindings.append(records.map(\.id))
        bindings.append(records.map(\.tenant))
        bindings.append(records.map(\.timestamp.microseconds))
        bindings.append(records.map(\.observedAt.microseconds))
        bindings.append(records.map(\.level.rawValue))
        bindings.append(records.map { Int64($0.severityNumber) })
        bindings.append(records.map { $0.service ?? "" })
        bindings.append(records.map { $0.host ?? "" })
        bindings.append(records.map { $0.environment ?? "" })
        bindings.append(records.map(\.message))
        bindings.append(records.map { $0.traceID ?? "" })
        bindings.append(records.map { $0.spanID ?? "" })
        bindings.append(records.map { $0.correlationID ?? "" })
        bindings.append(records.map { AttributeCoding.encode($0.attributes) })
        return bindings
    }

    /// Commits all records with one statement, atomically.
    public func insert(_ records: [LogRecord]) async throws {
        guard !records.isEmpty else { return }
        try await withStoreErrors("insert failed") {
            try await ensurePartitions(for: records.map(\.timestamp))
            let bindings = Self.batchBindings(for: records)
            let epoch = "timestamptz 'epoch' + interval '1 microsecond' *"
            let sql = """
                INSERT INTO logs (id, tenant, ts, observed_at, level, severity_number, service, host, environment,
                                  message, trace_id, span_id, correlation_id, attributes)
                SELECT r.id::uuid, r.tenant, \(epoch) r.ts, \(epoch) r.observed_at, r.level, r.severity_number,
                       NULLIF(r.service, ''), NULLIF(r.host, ''), NULLIF(r.environment, ''), r.message,
                       NULLIF(r.trace_id, ''), NULLIF(r.span_id, ''), NULLIF(r.correlation_id, ''), r.attributes::jsonb
                FROM unnest($1::text[], $2::text[], $3::int8[], $4::int8[], $5::text[], $6::int8[], $7::text[],
                            $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[])
                     AS r(id, tenant, ts, observed_at, level, severity_number, service, host, environment,
                          message, trace_id, span_id, correlation_id, attributes)
                """
            try await instrumentation.statement(sql) {
                try await client.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
            }
        }
    }

    /// One page of matching records, newest first.
    ///
    /// A query on the message text first filters the newest `recentRows` rows of the range in time
    /// order: a common word or phrase fills its page there, whereas through the trigram index it would
    /// fetch every match to sort them (the planner cannot tell how common a phrase is). Only when the
    /// page is not full does the rest of the range go through the planner's own plan, where a rare
    /// word's trigrams are cheap.
    public func search(_ request: SearchRequest) async throws -> SearchPage {
        guard request.query.filtersMessageText else {
            return SearchPage(fetched: try await fetchPage(request, limit: request.limit + 1), limit: request.limit)
        }
        let recent = try await fetchPageAmongNewest(request, rows: recentRows)
        guard recent.count <= request.limit, let boundary = try await position(ofRow: recentRows, in: request)
        else {
            return SearchPage(fetched: recent, limit: request.limit)
        }
        var older = request
        older.cursor = boundary
        let rest = try await fetchPage(older, limit: request.limit + 1 - recent.count)
        return SearchPage(fetched: recent + rest, limit: request.limit)
    }

    /// How many of the newest rows a message-text search filters in time order before it turns to the
    /// planner, by default: text in one row of 200 fills a 100-row page within them, and filtering
    /// them takes about 70 ms on the benchmark machine (`bench/README.md`).
    public static let defaultRecentRows = 20_000

    private func fetchPage(_ request: SearchRequest, limit: Int) async throws -> [LogRecord] {
        var builder = SQLBuilder<PostgresDialect>()
        let condition = builder.searchCondition(request)
        let sql = """
            SELECT \(Self.columns) FROM logs WHERE \(condition) ORDER BY ts DESC, id DESC \
            LIMIT \(builder.bind(.integer(Int64(limit))))
            """
        return try await fetch(sql, builder.values)
    }

    /// The page among the newest `rows` rows of the request's range. PostgreSQL never pushes a filter
    /// into a subquery with a `LIMIT`, so the inner scan walks the time index, not the trigram index.
    private func fetchPageAmongNewest(_ request: SearchRequest, rows: Int) async throws -> [LogRecord] {
        var unfiltered = request
        unfiltered.query = .all
        var builder = SQLBuilder<PostgresDialect>()
        let range = builder.searchCondition(unfiltered)
        let condition = builder.condition(for: request.query)
        let sql = """
            SELECT \(Self.columns) FROM (
                SELECT * FROM logs WHERE \(range) ORDER BY ts DESC, id DESC LIMIT \(builder.bind(.integer(Int64(rows))))
            ) AS newest
            WHERE \(condition) ORDER BY ts DESC, id DESC LIMIT \(builder.bind(.integer(Int64(request.limit + 1))))
            """
        return try await fetch(sql, builder.values)
    }

    /// The position of the `row`-th newest row of the request's range, whatever its query; nil when
    /// the range holds fewer rows.
    private func position(ofRow row: Int, in request: SearchRequest) async throws -> SearchCursor? {
        var unfiltered = request
        unfiltered.query = .all
        var builder = SQLBuilder<PostgresDialect>()
        let range = builder.searchCondition(unfiltered)
        let sql = """
            SELECT (extract(epoch FROM ts) * 1000000)::int8, id::text FROM logs WHERE \(range)
            ORDER BY ts DESC, id DESC OFFSET \(builder.bind(.integer(Int64(row - 1)))) LIMIT 1
            """
        guard let found = try await execute(sql, builder.values).first else { return nil }
        return SearchCursor(timestamp: Timestamp(microseconds: try found.integer(0)), id: try found.text(1))
    }

    /// The record with the given ID in the tenant, or nil.
    public func record(tenant: String, id: String) async throws -> LogRecord? {
        guard RecordID.isWellFormed(id) else { return nil }
        return try await fetch(
            "SELECT \(Self.columns) FROM logs WHERE tenant = $1 AND id = $2::uuid",
            [
                .text(tenant), .text(id),
            ]
        ).first
    }

    /// The correlation story of an ID, oldest first.
    public func correlated(tenant: String, id: String, limit: Int) async throws -> [LogRecord] {
        try await fetch(
            """
            SELECT \(Self.columns) FROM logs
            WHERE tenant = $1 AND (correlation_id = $2 OR trace_id = $2)
            ORDER BY ts, id LIMIT $3
            """, [.text(tenant), .text(id), .integer(Int64(limit))])
    }

    /// Runs a trivial query to show the database answers.
    public func ping() async throws {
        try await withStoreErrors("database unreachable") {
            try await instrumentation.statement("SELECT 1") { try await client.query("SELECT 1", logger: logger) }
        }
    }

    private static let columns = """
        id::text, tenant, (extract(epoch FROM ts) * 1000000)::int8, (extract(epoch FROM observed_at) * 1000000)::int8,
        level, severity_number::int8, service, host, environment, message, trace_id, span_id, correlation_id,
        attributes::text
        """

    private static func bindings(_ values: [SQLValue]) -> PostgresBindings {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .text(let text): bindings.append(text)
            case .integer(let integer): bindings.append(integer)
            case .double(let double): bindings.append(double)
            case .null: bindings.appendNull()
            }
        }
        return bindings
    }

    private func fetch(_ sql: String, _ values: [SQLValue]) async throws -> [LogRecord] {
        try await execute(sql, values).map(LogRows.record(from:))
    }

    /// Deletes one record of the tenant; false when there was none.
    public func delete(tenant: String, id: String) async throws -> Bool {
        guard RecordID.isWellFormed(id) else { return false }
        return try await SQLLogDeletes(database: self).delete(tenant: tenant, id: id)
    }

    /// Counts the records matching the request's tenant, query and time range, by level and service:
    /// whole minutes from `log_counts` when the query filters on nothing else, partial minutes and
    /// filtered queries from the records.
    public func stats(_ request: SearchRequest) async throws -> LogStats {
        let scan = SQLLogStats(database: self)
        guard let plan = PostgresLogCounts.plan(for: request) else { return try await scan.stats(request) }
        var builder = SQLBuilder<PostgresDialect>()
        var conditions = ["tenant = \(builder.bind(request.tenant))"]
        if let first = plan.minutes.first { conditions.append("minute >= \(builder.bind(.integer(first)))") }
        if let end = plan.minutes.end { conditions.append("minute < \(builder.bind(.integer(end)))") }
        let sql = """
            SELECT level, NULLIF(service, ''), sum(count)::int8 FROM log_counts
            WHERE \(conditions.joined(separator: " AND ")) GROUP BY level, service HAVING sum(count) > 0
            """
        var stats = try SQLLogStats<Self>.fold(try await execute(sql, builder.values))
        for edge in plan.edges { stats.add(try await scan.stats(edge)) }
        return stats
    }

    /// Deletes every record matching the request's tenant, query and time range.
    public func delete(matching request: SearchRequest) async throws -> Int {
        try await SQLLogDeletes(database: self).delete(matching: request)
    }

    /// The tenants, API keys and users kept in the same database.
    public var credentials: some CredentialStore { SQLCredentialStore(database: self) }

    private func ensurePartitions(for timestamps: [Timestamp]) async throws {
        for month in partitions.missing(for: timestamps) {
            let create = { try await client.query(PostgresQuery(unsafeSQL: month.createStatement), logger: logger) }
            do {
                try await instrumentation.statement(month.createStatement, create)
            } catch {
                // Another process may have created the same partition between our check and our
                // statement; the second attempt then finds it and does nothing.
                try await instrumentation.statement(month.createStatement, create)
            }
            partitions.markCreated(month)
        }
    }
}

/// Runs `body`, turning any error other than a ``StoreError`` into one that hides SQL and values.
@discardableResult
func withStoreErrors<T>(_ message: String, _ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as StoreError {
        throw error
    } catch {
        throw StoreError(.unavailable, message, underlying: error)
    }
}

extension PostgresLogStore: SQLDatabase {
    typealias Dialect = PostgresDialect

    func execute(_ sql: String, _ values: [SQLValue]) async throws -> [[SQLValue?]] {
        try await withStoreErrors("statement failed") {
            try await instrumentation.statement(sql) { try await rows(sql, values) }
        }
    }

    private func rows(_ sql: String, _ values: [SQLValue]) async throws -> [[SQLValue?]] {
        var rows: [[SQLValue?]] = []
        let sequence = try await client.query(
            PostgresQuery(unsafeSQL: sql, binds: Self.bindings(values)), logger: logger)
        for try await row in sequence {
            rows.append(
                try row.map { cell -> SQLValue? in
                    guard cell.bytes != nil else { return nil }
                    switch cell.dataType {
                    case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
                    case .float4, .float8: return .double(try cell.decode(Double.self))
                    default: return .text(try cell.decode(String.self))
                    }
                })
        }
        return rows
    }
}
