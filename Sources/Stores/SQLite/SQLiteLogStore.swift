import Foundation
public import LogModel
public import LogQuery
public import Logging
import NIOPosix
import SQLiteNIO
import ServiceLifecycle
public import Telemetry

/// The embedded ``LogStore`` on a SQLite file in WAL mode, the default when no database URL is set.
///
/// Connections of three kinds, so that no kind of work waits behind another: one writes (inserts,
/// deletes, credential changes), a few read records (searches, stories, stats, analytics; see
/// ``SQLiteReaders``), and one answers the short credential lookups that authenticate every request;
/// in WAL mode readers never wait for a commit.
/// They run on a thread pool of their own (``threadPool``), so a long statement holds none of the
/// threads that bcrypt or Redis use. A batch is inserted by a single statement over `json_each` of one
/// JSON parameter: atomic without an explicit transaction, and bound whatever its size.
/// `synchronous=FULL` makes every commit durable.
public struct SQLiteLogStore: LogStore {
    private let writer: SQLiteConnection
    private let readers: SQLiteReaders
    private let lookups: SQLiteConnection
    private let changes = ChangeBus()
    private let logger: Logger
    private let instrumentation: StatementInstrumentation
    private let statistics = PlannerStatistics()
    /// The background jobs under way in this process, which owns the database.
    let jobs = InProcessJobElection()

    /// The threads every SQLite connection of the process blocks on: one per connection of a store,
    /// and one to spare. Started once and kept for the life of the process, like NIO's own singleton.
    static let threadPool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 3 + SQLiteReaders.count)
        pool.start()
        return pool
    }()

    private init(
        writer: SQLiteConnection, readers: SQLiteReaders, lookups: SQLiteConnection, logger: Logger,
        instrumentation: StatementInstrumentation
    ) {
        self.writer = writer
        self.readers = readers
        self.lookups = lookups
        self.logger = logger
        self.instrumentation = instrumentation
    }

    /// Opens (creating if needed) `logsmith.sqlite` in `directory`. With `observability`, every
    /// statement gets a span and its duration is recorded.
    ///
    /// The file holds the logs and the key and password hashes, so it is readable by its owner only
    /// (0600, set on every open); SQLite gives its WAL and shared-memory files the same mode. A new
    /// directory is made 0700.
    public static func open(
        directory: String, logger: Logger, observability: Observability? = nil
    ) async throws -> SQLiteLogStore {
        try await withStoreErrors("cannot open the SQLite database") {
            let files = FileManager.default
            try files.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let path = URL(fileURLWithPath: directory).appendingPathComponent("logsmith.sqlite").path
            if !files.fileExists(atPath: path),
                !files.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
            {
                throw StoreError(.unavailable, "cannot create the SQLite database file")
            }
            try files.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
            let open = { @Sendable in
                try await SQLiteConnection.open(
                    storage: .file(path: path), threadPool: threadPool, logger: logger,
                    on: MultiThreadedEventLoopGroup.singleton.any())
            }
            let writer = try await open()
            try await writer.install(customFunction: SQLiteBudgetCheck.function)
            for pragma in ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA busy_timeout=10000"] {
                _ = try await writer.query(pragma, [])
            }
            var readers: [SQLiteConnection] = []
            for _ in 0..<SQLiteReaders.count { readers.append(try await open()) }
            let lookups = try await open()
            for connection in readers + [lookups] {
                _ = try await connection.query("PRAGMA busy_timeout=10000", [])
                try await connection.install(customFunction: SQLiteBudgetCheck.function)
            }
            return SQLiteLogStore(
                writer: writer, readers: SQLiteReaders(readers), lookups: lookups, logger: logger,
                instrumentation: StatementInstrumentation(system: "sqlite", observability: observability))
        }
    }

    /// Waits for graceful shutdown, then closes both connections.
    public func run() async throws {
        try? await gracefulShutdown()
        // The future-based close runs even when this task is cancelled; the async one would not.
        try await lookups.close().get()
        try await readers.close()
        try await writer.close().get()
    }

    /// Applies the migrations not yet applied; see the schema type for what they create.
    public func migrate() async throws {
        try await withStoreErrors("migration failed") {
            try await instrumentation.statement("", operation: "migrate") { try await applyMigrations() }
        }
    }

    private func applyMigrations() async throws {
        _ = try await writer.query("BEGIN IMMEDIATE", [])
        do {
            let current =
                try await writer.query("PRAGMA user_version", []).first?.column("user_version")?.integer ?? 0
            for migration in SQLiteMigrations.all where migration.version > current {
                for statement in migration.statements {
                    _ = try await writer.query(statement, [])
                }
                // PRAGMA takes no parameters; the version is one of our own integer constants.
                _ = try await writer.query("PRAGMA user_version = \(migration.version)", [])
            }
            _ = try await writer.query("COMMIT", [])
        } catch {
            _ = try? await writer.query("ROLLBACK", [])
            throw error
        }
        try await refreshStatistics()
    }

    private func refreshStatistics() async throws {
        for statement in PlannerStatistics.refresh {
            _ = try await instrumentation.statement(statement) { try await writer.query(statement, []) }
        }
    }

    /// The JSON text one batch insert binds: an array with one array of column values per record.
    public static func batchJSON(for records: [LogRecord]) -> String {
        let rows: [JSONValue] = records.map { record in
            .array([
                .string(record.id), .string(record.tenant), .integer(record.timestamp.microseconds),
                .integer(record.observedAt.microseconds), .string(record.level.rawValue),
                .integer(Int64(record.severityNumber)), optional(record.service), optional(record.host),
                optional(record.environment), .string(record.message), optional(record.traceID),
                optional(record.spanID), optional(record.correlationID),
                .string(AttributeCoding.encode(record.attributes)),
                optional(PromotedAttribute.httpMethod.text(in: record.attributes)),
                optional(PromotedAttribute.httpPath.text(in: record.attributes)),
                optional(PromotedAttribute.clientIP.text(in: record.attributes)),
                optional(PromotedAttribute.httpRoute.text(in: record.attributes)),
                PromotedAttribute.status(in: record.attributes).map(JSONValue.integer) ?? .null,
                PromotedAttribute.duration(in: record.attributes).map(JSONValue.double) ?? .null,
                record.patternID.map { .integer($0.storedValue) } ?? .null,
            ])
        }
        return JSONValue.array(rows).jsonText
    }

    /// Commits all records with one statement, atomically.
    public func insert(_ records: [LogRecord]) async throws {
        guard !records.isEmpty else { return }
        let batch = Self.batchJSON(for: records)
        let columns = (0..<21).map { "json_extract(value, '$[\($0)]')" }.joined(separator: ", ")
        let sql = """
            INSERT INTO logs (id, tenant, ts, observed_at, level, severity_number, service, host, environment,
                              message, trace_id, span_id, correlation_id, attributes,
                              http_method, http_path, client_ip, http_route, http_status, duration_ms, pattern_id)
            SELECT \(columns) FROM json_each(?1)
            """
        try await withStoreErrors("insert failed") {
            _ = try await instrumentation.statement(sql) { try await writer.query(sql, [.text(batch)]) }
        }
        for committed in CommittedBatch.announcing(records) {
            changes.notify(SQLCommittedRecords.channel, payload: committed.payload)
        }
        if statistics.inserted(records.count) {
            do {
                try await refreshStatistics()
            } catch {
                logger.warning("refreshing the query planner's statistics failed", metadata: ["error": "\(error)"])
            }
        }
    }

    /// One page of matching records, newest first.
    public func search(_ request: SearchRequest) async throws -> SearchPage {
        var builder = SQLBuilder<SQLiteDialect>()
        let condition = builder.searchCondition(request)
        let limit = builder.bind(.integer(Int64(request.limit + 1)))
        let sql = "SELECT \(Self.columns) FROM logs WHERE \(condition) ORDER BY ts DESC, id DESC LIMIT \(limit)"
        return SearchPage(fetched: try await fetch(sql, builder.values), limit: request.limit)
    }

    /// The record with the given ID in the tenant, or nil.
    public func record(tenant: String, id: String) async throws -> LogRecord? {
        try await fetch("SELECT \(Self.columns) FROM logs WHERE tenant = ?1 AND id = ?2", [.text(tenant), .text(id)])
            .first
    }

    /// The correlation story of an ID, oldest first.
    public func correlated(tenant: String, id: String, limit: Int) async throws -> [LogRecord] {
        try await fetch(
            """
            SELECT \(Self.columns) FROM logs
            WHERE tenant = ?1 AND (correlation_id = ?2 OR trace_id = ?2)
            ORDER BY ts, id LIMIT ?3
            """, [.text(tenant), .text(id), .integer(Int64(limit))])
    }

    /// The rows of a histogram (see ``LogStore/histogramRows(_:)``).
    public func histogramRows(_ request: HistogramRequest) async throws -> [HistogramRow] {
        try await SQLHistogram<SQLiteDialect>.rows(for: request) { try await readerRows($0, $1) }
    }

    /// Counts by combination of field values (see ``LogStore/groupCounts(_:)``).
    public func groupCounts(_ request: GroupByRequest) async throws -> GroupCounts {
        try await SQLGroupBy<SQLiteDialect>.counts(for: request) { try await readerRows($0, $1) }
    }

    /// The busiest endpoints (see ``LogStore/endpoints(_:)``).
    public func endpoints(_ request: EndpointsRequest) async throws -> [EndpointStats] {
        try await SQLEndpoints<SQLiteDialect>.endpoints(for: request) { try await readerRows($0, $1) }
    }

    /// The timestamp of the tenant's oldest record (see ``LogStore/oldestTimestamp(tenant:)``).
    public func oldestTimestamp(tenant: String) async throws -> Timestamp? {
        let rows = try await readerRows("SELECT ts FROM logs WHERE tenant = ?1 ORDER BY ts LIMIT 1", [.text(tenant)])
        return try rows.first.map { Timestamp(microseconds: try $0.integer(0)) }
    }

    /// How far an upload got (see ``LogStore/uploadProgress(tenant:uploadID:)``).
    public func uploadProgress(tenant: String, uploadID: String) async throws -> Int {
        let (sql, values) = SQLUploadProgress<SQLiteDialect>.statement(tenant: tenant, uploadID: uploadID)
        return SQLUploadProgress<SQLiteDialect>.line(from: try await readerRows(sql, values))
    }

    /// Runs a trivial query to show the database answers.
    public func ping() async throws {
        try await withStoreErrors("database unreachable") {
            _ = try await instrumentation.statement("SELECT 1") { try await lookups.query("SELECT 1", []) }
        }
    }

    private static let columns = """
        id, tenant, ts, observed_at, level, severity_number, service, host, environment, message, trace_id,
        span_id, correlation_id, attributes, pattern_id
        """

    private static func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }

    private static func binds(_ values: [SQLValue]) -> [SQLiteData] {
        values.map { value in
            switch value {
            case .text(let text): .text(text)
            case .integer(let integer): .integer(Int(integer))
            case .double(let double): .float(double)
            case .null: .null
            }
        }
    }

    private func fetch(_ sql: String, _ values: [SQLValue]) async throws -> [LogRecord] {
        try await readerRows(sql, values).map(LogRows.record(from:))
    }

    /// Hears the batches this process's inserts announce: no other process serves the database.
    public func watchCommits(_ event: @escaping @Sendable (CommitFeedEvent) -> Void) async throws {
        try await SQLCommittedRecords.watch(self, event)
    }

    /// The records of committed batches that match a query, in the order the batches name them.
    public func records(committedIn batches: [CommittedBatch], tenant: String, matching query: QueryNode)
        async throws -> [LogRecord]
    {
        try await SQLCommittedRecords.records(
            batches, tenant: tenant, query: query, columns: Self.columns, dialect: Dialect.self
        ) {
            try await fetch($0, $1)
        }
    }

    /// Runs a statement on one of the connections, turning each row into plain values; within the
    /// task's ``QueryBudget`` when it has one (see ``SQLiteBudgetCheck``).
    private func rows(on connection: SQLiteConnection, _ sql: String, _ values: [SQLValue]) async throws
        -> [[SQLValue?]]
    {
        let run = {
            try await withStoreErrors("statement failed") {
                try await instrumentation.statement(sql) { try await connection.query(sql, Self.binds(values)) }
                    .map(Self.values(of:))
            }
        }
        guard let budget = QueryBudget.current else { return try await run() }
        guard !budget.isExhausted else { throw QueryBudget.exhausted() }
        do {
            return try await SQLiteBudgetCheck.running(budget, run)
        } catch let error as StoreError where error.underlying.map(SQLiteBudgetCheck.isStop) ?? false {
            throw QueryBudget.exhausted(underlying: error.underlying)
        }
    }

    /// Deletes one record of the tenant; false when there was none.
    public func delete(tenant: String, id: String) async throws -> Bool {
        try await SQLLogDeletes(database: self).delete(tenant: tenant, id: id)
    }

    /// Counts the records matching the request's tenant, query and time range, by level and service.
    public func stats(_ request: SearchRequest) async throws -> LogStats {
        let (sql, values) = SQLLogStats<Self>.statement(request)
        return try SQLLogStats<Self>.fold(try await readerRows(sql, values))
    }

    /// Deletes every record matching the request's tenant, query and time range.
    public func delete(matching request: SearchRequest) async throws -> Int {
        try await SQLLogDeletes(database: self).delete(matching: request)
    }

    /// The tenants, API keys and users kept in the same database.
    public var credentials: some CredentialStore { SQLCredentialStore(database: self) }

    /// Alert rules, instances, history and deliveries, in this database.
    public var alerts: some AlertStore { SQLAlertStore(database: self) }

    /// A row's columns in order as plain values, nil for NULL.
    private static func values(of row: SQLiteRow) -> [SQLValue?] {
        row.columns.map { column -> SQLValue? in
            switch column.data {
            case .integer(let value): .integer(Int64(value))
            case .float(let value): .double(value)
            case .text(let value): .text(value)
            case .blob, .null: nil
            }
        }
    }
}

extension SQLiteLogStore: SQLDatabase {
    typealias Dialect = SQLiteDialect

    /// Runs a statement on the writer connection.
    func execute(_ sql: String, _ values: [SQLValue]) async throws -> [[SQLValue?]] {
        try await rows(on: writer, sql, values)
    }

    /// Runs a read statement on the least busy reader connection.
    func readerRows(_ sql: String, _ values: [SQLValue]) async throws -> [[SQLValue?]] {
        try await readers.withConnection { try await rows(on: $0, sql, values) }
    }

    /// Tells this process's listeners of `channel`: no other process serves the database.
    func notify(_ channel: String) async throws {
        changes.notify(channel, payload: "")
    }

    /// Listens to this process's notifications of `channel`.
    func listen(_ channel: String, _ event: @escaping @Sendable (DatabaseNotification) -> Void) async throws {
        await changes.listen(channel, event)
        try Task.checkCancellation()
    }

    /// Runs a lookup on the connection kept for lookups: it starts after every commit that returned
    /// before it, so in WAL mode it sees them.
    func read(_ sql: String, _ values: [SQLValue]) async throws -> [[SQLValue?]] {
        try await rows(on: lookups, sql, values)
    }
}

extension SQLiteLogStore: CommitFeed {}
