public import LogModel
public import LogQuery
public import Logging
public import PostgresNIO
import ServiceLifecycle
public import Telemetry

/// The production ``LogStore`` on PostgreSQL, through postgres-nio's connection pool.
///
/// Inserts go in as one `INSERT ... SELECT FROM unnest(...)` statement with one array parameter per
/// column, so a batch of any size is one round trip and every value is bound.
public struct PostgresLogStore: LogStore {
    private let indexedSearch: IndexedSearch
    /// The pools of ingest, reads and background jobs (see ``PostgresPools``).
    let pools: PostgresPools
    /// The standbys that may serve reads (``consistentReads()``), when configured.
    let standbys: PostgresStandbys?
    /// The pool every statement but an insert takes its connection from: the reads pool, or that of
    /// ``ingestion`` or ``backgroundJobs``.
    private(set) var client: PostgresClient
    let logger: Logger
    /// Which days have partitions, and which partitions are months.
    let partitions = PostgresPartitions()
    /// The dictionary entries this process knows to be stored.
    let knownWords = KnownWords()
    let instrumentation: StatementInstrumentation
    private let metrics: ServiceMetrics?

    /// Creates a store; connections open once ``run()`` is running. With `observability`, every
    /// statement gets a span and its duration is recorded. The configuration's `maximumConnections`
    /// are split between the pools of ingest, reads and background jobs (``PostgresPoolSizes``).
    ///
    /// Its connections run without JIT compilation: the planner's estimates for text conditions are
    /// high enough to cross `jit_above_cost`, and compiling then took 50 ms of a 140 ms search at 10M
    /// rows, for statements that read a few thousand rows at most. They let a GIN index's pending list
    /// grow to 8 MB rather than 4 before the insert that fills it merges it into the index: at 6,000
    /// records/s offered in batches of 100, the merging insert held one request in 17 for about 100 ms
    /// (p95 100-102 ms), and one in 34 with 8 MB (p95 36-42 ms, 5% less database CPU, since larger
    /// merges cost less per row), while a search's lookup through a full list of 8 MB takes 5 ms more.
    /// - Parameters:
    ///   - indexedSearch: how a search on the message text or attributes chooses between reading the
    ///     newest rows in time order and a GIN index (see ``search(_:)``).
    ///   - standbys: streaming-replication standbys for ``consistentReads()``, each with a pool the
    ///     size of the reads pool.
    public init(
        configuration: PostgresClient.Configuration, logger: Logger, observability: Observability? = nil,
        indexedSearch: IndexedSearch = .default, standbys: PostgresStandbySettings? = nil
    ) {
        var configuration = configuration
        configuration.options.additionalStartupParameters += [("jit", "off"), ("gin_pending_list_limit", "8MB")]
        self.indexedSearch = indexedSearch
        self.pools = PostgresPools(
            configuration: configuration, sizes: PostgresPoolSizes(total: configuration.options.maximumConnections),
            logger: logger)
        self.client = pools.reads
        self.logger = logger
        self.instrumentation = StatementInstrumentation(system: "postgresql", observability: observability)
        self.metrics = observability?.metrics
        if var standbys {
            for index in standbys.standbys.indices {
                standbys.standbys[index].options.additionalStartupParameters += [("jit", "off")]
            }
            self.standbys = PostgresStandbys(settings: standbys, connections: pools.sizes.reads, logger: logger)
        } else {
            self.standbys = nil
        }
    }

    /// Runs the connection pools, and those of the standbys with their monitor, until graceful shutdown;
    /// then waits at most ``closingLimit`` for them to close their connections.
    ///
    /// The wait is bounded because a few times in many runs of the test suite postgres-nio 1.33.2's
    /// pools did not return after cancellation, with none of their connections left on the server:
    /// a process told to stop must stop, and it is the last step of a shutdown (every accepted record
    /// is committed before it).
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            let running = Task {
                await withDiscardingTaskGroup { group in
                    group.addTask { await pools.run() }
                    if let standbys {
                        group.addTask { [metrics] in
                            guard (try? await pools.started.wait()) != nil else { return }
                            await standbys.run(primary: pools.reads, logger: logger) { name, seconds in
                                metrics?.replicaLag(standby: name, seconds: seconds)
                            }
                        }
                    }
                }
            }
            await untilCancelled()
            running.cancel()
            if !(await waitForEnd(of: running, within: Self.closingLimit)) {
                logger.warning("the store's connection pools did not stop within \(Self.closingLimit); left running")
            }
        }
    }

    /// How long ``run()`` waits for the pools to stop once cancelled.
    static let closingLimit: Duration = .seconds(10)

    /// A view on a standby that has replayed everything the primary had committed when this was
    /// called, waiting for one up to the standbys' replay wait; else this store, on the primary.
    /// A view on a standby takes its connections from the standby's pool for every statement.
    public func consistentReads() async -> PostgresLogStore {
        guard let standbys else { return self }
        guard let standby = await standbys.caughtUp(primary: client, instrumentation: instrumentation, logger: logger)
        else {
            metrics?.storeRead(server: "primary")
            return self
        }
        metrics?.storeRead(server: "standby")
        return using(standby)
    }

    /// What the standbys' monitor last saw of each standby; empty without standbys.
    public var standbyStatuses: [PostgresStandbyStatus] { standbys?.statuses ?? [] }

    /// The same store with every statement on the pool of ingest, for the ingest pipeline (its
    /// inserts, pattern templates and attribute keys), so that reads cannot take its connections.
    public var ingestion: PostgresLogStore { using(pools.ingest) }

    /// The same store with every statement but inserts on the pool of background jobs, for the jobs
    /// that run beside requests (alert evaluation and retention), so that neither can take the
    /// connections the other needs.
    public var backgroundJobs: PostgresLogStore { using(pools.jobs) }

    private func using(_ pool: PostgresClient) -> PostgresLogStore {
        var view = self
        view.client = pool
        return view
    }

    /// Waits until ``run()`` has started the pools, checks that each connection is a database session
    /// of its own (``checkSessionsAreOwn()``), then applies the migrations not yet applied; see the
    /// schema type for what they create.
    public func migrate() async throws {
        try await withStoreErrors("migration failed") {
            try await pools.started.wait()
            try await checkSessionsAreOwn()
            try await instrumentation.statement("", operation: "migrate") { try await applyMigrations() }
            try await loadMonthlyPartitions()
            try await ensurePartitions(for: [.now()])
        }
    }

    private func applyMigrations() async throws {
        try await client.transaction(logger: logger) { connection in
            try await connection.statement("SELECT pg_advisory_xact_lock(7420001)", logger: logger)
            try await connection.statement(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())
                """, logger: logger)
            let applied = Set(
                try await connection.statement("SELECT version FROM schema_migrations", logger: logger).map {
                    try $0.decode(Int.self)
                })
            for migration in PostgresMigrations.all where !applied.contains(migration.version) {
                for statement in migration.statements {
                    try await connection.statement(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.statement(
                    "INSERT INTO schema_migrations (version) VALUES (\(migration.version))", logger: logger)
            }
        }
    }

    /// The values one batch insert binds: one array per column, each with a value per record.
    public static func batchBindings(for records: [LogRecord]) -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 21)
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
        for text in [PromotedAttribute.httpMethod, .httpPath, .clientIP, .httpRoute] {
            bindings.append(records.map { text.text(in: $0.attributes) ?? "" })
        }
        bindings.append(records.map { PromotedAttribute.status(in: $0.attributes) ?? 0 })
        bindings.append(records.map { PromotedAttribute.duration(in: $0.attributes) ?? .nan })
        bindings.append(records.map { $0.patternID?.storedValue ?? 0 })
        return bindings
    }

    /// Commits all records with one statement, atomically.
    public func insert(_ records: [LogRecord]) async throws {
        guard !records.isEmpty else { return }
        try await withStoreErrors("insert failed") {
            try await ensurePartitions(for: records.map(\.timestamp))
            let entries = records.map { MessageWords.entries(in: $0.message) }
            let bindings = Self.batchBindings(for: records)
            let epoch = "timestamptz 'epoch' + interval '1 microsecond' *"
            let sql = """
                INSERT INTO logs (id, tenant, ts, observed_at, level, severity_number, service, host, environment,
                                  message, trace_id, span_id, correlation_id, attributes,
                                  http_method, http_path, client_ip, http_route, http_status, duration_ms, pattern_id)
                SELECT r.id::uuid, r.tenant, \(epoch) r.ts, \(epoch) r.observed_at, r.level, r.severity_number,
                       NULLIF(r.service, ''), NULLIF(r.host, ''), NULLIF(r.environment, ''), r.message,
                       NULLIF(r.trace_id, ''), NULLIF(r.span_id, ''), NULLIF(r.correlation_id, ''), r.attributes::jsonb,
                       NULLIF(r.http_method, ''), NULLIF(r.http_path, ''), NULLIF(r.client_ip, ''),
                       NULLIF(r.http_route, ''), NULLIF(r.http_status, 0), NULLIF(r.duration_ms, 'NaN'),
                       NULLIF(r.pattern_id, 0)
                FROM unnest($1::text[], $2::text[], $3::int8[], $4::int8[], $5::text[], $6::int8[], $7::text[],
                            $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[],
                            $15::text[], $16::text[], $17::text[], $18::text[], $19::int8[], $20::float8[],
                            $21::int8[])
                     AS r(id, tenant, ts, observed_at, level, severity_number, service, host, environment,
                          message, trace_id, span_id, correlation_id, attributes,
                          http_method, http_path, client_ip, http_route, http_status, duration_ms, pattern_id)
                """
            // The batch's new dictionary entries and the announcements are part of the insert's
            // statement: stored and delivered when it commits, the announcements in commit order to
            // every process listening. The entries go in sorted, so that concurrent batches adding the
            // same entries lock them in the same order.
            let words = knownWords.unknown(in: records, entries: entries)
            var statementBindings = bindings
            statementBindings.append(CommittedBatch.announcing(records).map(\.payload))
            statementBindings.append(words.map(\.tenant))
            statementBindings.append(words.map(\.day))
            statementBindings.append(words.map(\.word))
            let statement = """
                WITH new_words AS (
                    INSERT INTO \(MessageWords.dictionary) (tenant, day, word)
                    SELECT DISTINCT w.tenant, w.day::int4, lower(w.word)
                    FROM unnest($23::text[], $24::int8[], $25::text[]) AS w(tenant, day, word)
                    ORDER BY 1, 2, 3 ON CONFLICT DO NOTHING
                ), inserted AS (\(sql))
                SELECT pg_notify('\(SQLCommittedRecords.channel)', payload) FROM unnest($22::text[]) AS payload
                """
            try await instrumentation.statement(sql) {
                try await pools.ingest.statement(
                    PostgresQuery(unsafeSQL: statement, binds: statementBindings), logger: logger)
            }
            knownWords.remember(words)
        }
    }

    /// One page of matching records, newest first.
    ///
    /// A query that every match must satisfy through a condition a GIN index serves goes the way
    /// ``IndexedSearch`` chooses, step by step: the newest rows of the range in time order, the index
    /// for the rest, slice by slice, or both. A query with such a condition that matches without it (a
    /// negation, an `OR`) reads the newest rows first and leaves the rest to the planner; any other
    /// query is the planner's.
    public func search(_ request: SearchRequest) async throws -> SearchPage {
        let indexed = request.query.requires(PostgresDialect.isIndexed)
        guard indexed || request.query.predicates.contains(where: PostgresDialect.isIndexed) else {
            return SearchPage(fetched: try await fetchPage(request, limit: request.limit + 1), limit: request.limit)
        }
        let wanted = request.limit + 1
        var found: [LogRecord] = []
        var rest = request
        var progress = IndexedSearch.Progress(read: 0, matched: 0, wanted: wanted, indexTried: false)
        var step = IndexedSearch.Step.read(rows: indexedSearch.firstRows)
        while true {
            switch step {
            case .read(let rows):
                let read = try await fetchAmongNewest(rest, rows: rows, limit: wanted - found.count)
                found += read.matches
                guard found.count < wanted, let end = read.end else {
                    return SearchPage(fetched: found, limit: request.limit)
                }
                rest.cursor = end
                progress.read += rows
                progress.matched += read.matches.count
            case .tryIndex(let timeLimit):
                progress.indexTried = true
                let lookup = try await fetchThroughIndex(rest, limit: wanted - found.count, within: timeLimit)
                found += lookup.matches
                guard let unsearched = lookup.unsearched else {
                    return SearchPage(fetched: found, limit: request.limit)
                }
                rest = unsearched
                progress.wanted -= lookup.matches.count
            case .index:
                let hits =
                    indexed
                    ? try await fetchThroughIndex(rest, limit: wanted - found.count, within: nil).matches
                    : try await fetchPage(rest, limit: wanted - found.count)
                return SearchPage(fetched: found + hits, limit: request.limit)
            }
            step = indexed ? indexedSearch.next(after: progress) : .index
        }
    }

    private func fetchPage(_ request: SearchRequest, limit: Int) async throws -> [LogRecord] {
        var builder = SQLBuilder<PostgresDialect>()
        let condition = builder.searchCondition(request)
        let sql = """
            SELECT \(Self.columns) FROM logs WHERE \(condition) ORDER BY ts DESC, id DESC \
            LIMIT \(builder.bind(.integer(Int64(limit))))
            """
        return try await fetch(sql, builder.values)
    }

    /// Up to `limit` matches through the indexes, newest first, looked up one slice of the range at a
    /// time (``IndexedSearch/sliceStarts(below:from:)``) until the page is full or the range ends. With a
    /// time limit, the lookup stops when it runs out, with the matches of the slices it finished and,
    /// as `unsearched`, the request for the rows older than them; `unsearched` is nil once the lookup is
    /// done.
    private func fetchThroughIndex(_ request: SearchRequest, limit: Int, within timeLimit: Duration?) async throws
        -> (matches: [LogRecord], unsearched: SearchRequest?)
    {
        let deadline = timeLimit.map { ContinuousClock.now + $0 }
        let position = [request.cursor?.timestamp, request.end?.adding(microseconds: -1)].compactMap(\.self).min()
        var matches: [LogRecord] = []
        var unsearched = request
        let sliceStarts = indexedSearch.sliceStarts(
            below: position ?? .now(), from: request.start, partitionStart: partitions.monthStart(orSelf:))
        for sliceStart in sliceStarts {
            var slice = unsearched
            if let sliceStart { slice.start = max(sliceStart, slice.start ?? sliceStart) }
            let remaining = deadline.map { $0 - ContinuousClock.now }
            if let remaining, remaining <= .zero { return (matches, unsearched) }
            guard let hits = try await fetchSliceThroughIndex(slice, limit: limit - matches.count, within: remaining)
            else { return (matches, unsearched) }
            matches += hits
            guard matches.count < limit, let sliceStart else { return (matches, nil) }
            unsearched.end = sliceStart
        }
        return (matches, nil)
    }

    /// The page of one slice through the indexes: every match, then sorted. The subquery keeps the
    /// planner from walking the time index instead, which it would for a `LIMIT` when it overestimates
    /// how common a condition is. With a time limit, nil when the statement ran out of it.
    private func fetchSliceThroughIndex(_ request: SearchRequest, limit: Int, within timeLimit: Duration?)
        async throws -> [LogRecord]?
    {
        var builder = SQLBuilder<PostgresDialect>()
        let condition = builder.searchCondition(request)
        let sql = """
            SELECT \(Self.columns) FROM (SELECT * FROM logs WHERE \(condition) OFFSET 0) AS matches \
            ORDER BY ts DESC, id DESC LIMIT \(builder.bind(.integer(Int64(limit))))
            """
        guard let timeLimit else { return try await fetch(sql, builder.values) }
        let request = QueryBudget.current
        var step = QueryBudget(timeLimit, cancellation: request?.cancellation ?? QueryCancellation())
        if let request, request.deadline < step.deadline { step = request }
        do {
            let rows = try await withStoreErrors("statement failed") {
                try await instrumentation.statement(sql) { try await budgetedRows(sql, builder.values, within: step) }
            }
            return try rows.map(LogRows.record(from:))
        } catch let error as StoreError where error.code == .budgetExhausted {
            if let request, request.isExhausted { throw error }
            return nil
        }
    }

    /// The matches among the newest `rows` rows of the request's range, and the position of the last
    /// of those rows (nil when the range holds fewer). PostgreSQL never pushes a filter into a subquery
    /// with a `LIMIT`, so the inner scan walks the time index, not the trigram index; it reads only the
    /// columns the query tests, and the page's rows are then fetched whole by their keys, within the
    /// same range, so that only the range's partitions are opened (and locked). The read is a
    /// materialized CTE, so it runs once whatever the plan: joined as a subquery with a text
    /// condition's dictionary lookup in it, the pages of a search through three replicas ran out of
    /// their 5 s budget (`Tests/replicas`), and as a CTE they take a few milliseconds. The last row
    /// read comes back beside the matches, flagged, so one walk of the index finds both.
    private func fetchAmongNewest(_ request: SearchRequest, rows: Int, limit: Int) async throws -> (
        matches: [LogRecord], end: SearchCursor?
    ) {
        var unfiltered = request
        unfiltered.query = .all
        var builder = SQLBuilder<PostgresDialect>()
        let range = builder.searchCondition(unfiltered)
        let condition = builder.condition(for: request.query)
        let tested = Set(request.query.predicates.flatMap(PostgresDialect.columns(readBy:))).subtracting(["ts", "id"])
        let rowCount = builder.bind(.integer(Int64(rows)))
        let sql = """
            WITH read AS MATERIALIZED (
                SELECT id, ts, matches, last FROM (
                    SELECT id, ts, coalesce(\(condition), false)::int4 AS matches,
                        (row_number() OVER (ORDER BY ts DESC, id DESC) = \(rowCount))::int4 AS last
                    FROM (
                        SELECT \((["ts", "id"] + tested.sorted()).joined(separator: ", ")) FROM logs WHERE \(range)
                        ORDER BY ts DESC, id DESC LIMIT \(rowCount)
                    ) AS newest
                ) AS tested
                WHERE matches = 1 OR last = 1 ORDER BY ts DESC, id DESC LIMIT \(builder.bind(.integer(Int64(limit + 1))))
            )
            SELECT read.matches, read.last, \(Self.columns) FROM logs JOIN read USING (id, ts)
            WHERE \(range) ORDER BY ts DESC, id DESC
            """
        let newest = try await withStoreErrors("statement failed") {
            try await instrumentation.statement(sql, operation: "SELECT") { try await self.rows(sql, builder.values) }
        }
        let found = try newest.map { row in
            (
                matches: try row.integer(0) == 1, last: try row.integer(1) == 1,
                record: try LogRows.record(from: Array(row.dropFirst(2)))
            )
        }
        let end = found.last.flatMap { $0.last ? SearchCursor(after: $0.record) : nil }
        return (found.filter(\.matches).prefix(limit).map(\.record), end)
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

    /// The rows of a histogram (see ``LogStore/histogramRows(_:)``).
    public func histogramRows(_ request: HistogramRequest) async throws -> [HistogramRow] {
        if let counted = try await countedHistogramRows(request) { return counted }
        return try await SQLHistogram<PostgresDialect>.rows(for: request, run: execute)
    }

    /// Counts by combination of field values (see ``LogStore/groupCounts(_:)``).
    public func groupCounts(_ request: GroupByRequest) async throws -> GroupCounts {
        if let counted = try await countedGroupCounts(request) { return counted }
        return try await SQLGroupBy<PostgresDialect>.counts(for: request, run: execute)
    }

    /// The busiest endpoints (see ``LogStore/endpoints(_:)``).
    public func endpoints(_ request: EndpointsRequest) async throws -> [EndpointStats] {
        if let rolledUp = try await rolledUpEndpoints(request) { return rolledUp }
        return try await SQLEndpoints<PostgresDialect>.endpoints(for: request, run: execute)
    }

    /// The timestamp of the tenant's oldest record (see ``LogStore/oldestTimestamp(tenant:)``).
    public func oldestTimestamp(tenant: String) async throws -> Timestamp? {
        let rows = try await execute(
            "SELECT (extract(epoch FROM ts) * 1000000)::int8 FROM logs WHERE tenant = $1 ORDER BY ts LIMIT 1",
            [.text(tenant)])
        return try rows.first.map { Timestamp(microseconds: try $0.integer(0)) }
    }

    /// How far an upload got (see ``LogStore/uploadProgress(tenant:uploadID:)``).
    public func uploadProgress(tenant: String, uploadID: String) async throws -> Int {
        let (sql, values) = SQLUploadProgress<PostgresDialect>.statement(tenant: tenant, uploadID: uploadID)
        return SQLUploadProgress<PostgresDialect>.line(from: try await execute(sql, values))
    }

    /// Runs a trivial query to show the database answers.
    public func ping() async throws {
        try await withStoreErrors("database unreachable") {
            try await instrumentation.statement("SELECT 1") { try await client.statement("SELECT 1", logger: logger) }
        }
    }

    /// The columns of a record, in the order ``LogRows`` reads them. The ID's text has a name of its
    /// own: named `id`, it would be what `ORDER BY ts DESC, id DESC` sorts by, a text sort after the
    /// index instead of the index's own order (0.55 against 0.23 ms for the newest page at 100k rows).
    private static let columns = """
        id::text AS id_text, tenant, (extract(epoch FROM ts) * 1000000)::int8, (extract(epoch FROM observed_at) * 1000000)::int8,
        level, severity_number::int8, service, host, environment, message, trace_id, span_id, correlation_id,
        attributes::text, pattern_id
        """

    /// The bound values of a statement, in the order of their parameters.
    static func bindings(_ values: [SQLValue]) -> PostgresBindings {
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

    /// Hears the batches every process's inserts announce, through `LISTEN` on a connection of the pool.
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

    /// Deletes one record of the tenant; false when there was none.
    public func delete(tenant: String, id: String) async throws -> Bool {
        guard RecordID.isWellFormed(id) else { return false }
        return try await SQLLogDeletes(database: self).delete(tenant: tenant, id: id)
    }

    /// Counts the records matching the request's tenant, query and time range, by level and service,
    /// in one statement. When the query filters on nothing but exact services and level comparisons,
    /// whole hours come from `log_counts_hourly`, whole minutes of the partial hours at either end from
    /// `log_counts`, and only the partial minutes from the records; other queries count the records.
    /// A partial unit whose rest before now is at most a tenth of itself is counted as its whole unit
    /// less that rest, so that counting up to now reads almost no minutes or records of the newest hour.
    public func stats(_ request: SearchRequest) async throws -> LogStats {
        var builder = SQLBuilder<PostgresDialect>()
        let selects = countSelects(request, tiers: PostgresLogCounts.tiers[...], negated: false, now: .now(), &builder)
        let union = selects.map(\.sql).joined(separator: "\nUNION ALL\n")
        let sql =
            selects.allSatisfy(\.adds)
            ? union
            : """
            SELECT level, NULLIF(service, ''), sum(count)::int8 FROM (\(union)) AS counts (level, service, count)
            GROUP BY 1, 2 HAVING sum(count) <> 0
            """
        return try SQLLogStats<Self>.fold(try await execute(sql, builder.values))
    }

    /// The selects of level, service and count whose rows sum to the request's counts (their
    /// negatives when `negated`): the whole units of the first tier that has any, the ends of the
    /// range through the finer tiers, and what no tier holds from the records; `adds` is false for a
    /// select of negative counts.
    private func countSelects(
        _ request: SearchRequest, tiers: ArraySlice<PostgresLogCounts.Tier>, negated: Bool, now: Timestamp,
        _ builder: inout SQLBuilder<PostgresDialect>
    ) -> [(sql: String, adds: Bool)] {
        guard let tier = tiers.first else {
            return [(SQLLogStats<Self>.select(request, negated: negated, &builder), !negated)]
        }
        guard let plan = RollupPlan(request, unitMicroseconds: tier.unitMicroseconds, keys: PostgresLogCounts.keys)
        else { return countSelects(request, tiers: tiers.dropFirst(), negated: negated, now: now, &builder) }
        let whole = """
            SELECT level, NULLIF(service, ''), \(negated ? "-" : "")sum(count)::int8 FROM \(tier.table)
            WHERE \(plan.conditions(tenant: request.tenant, column: tier.column, &builder))
            GROUP BY level, service HAVING sum(count) > 0
            """
        return [(whole, !negated)]
            + plan.edges.flatMap { edge in
                guard let (unit, rest) = plan.complement(of: edge, now: now) else {
                    return countSelects(edge, tiers: tiers.dropFirst(), negated: negated, now: now, &builder)
                }
                return countSelects(unit, tiers: tiers, negated: negated, now: now, &builder)
                    + countSelects(rest, tiers: tiers.dropFirst(), negated: !negated, now: now, &builder)
            }
    }

    /// Deletes every record matching the request's tenant, query and time range.
    public func delete(matching request: SearchRequest) async throws -> Int {
        try await SQLLogDeletes(database: self).delete(matching: request)
    }

    /// The tenants, API keys and users kept in the same database.
    public var credentials: some CredentialStore { SQLCredentialStore(database: self) }

    /// Alert rules, instances, history and deliveries, in this database.
    public var alerts: some AlertStore { SQLAlertStore(database: self) }

    /// Creates the partitions the records of these timestamps need, and those of the following days.
    private func ensurePartitions(for timestamps: [Timestamp]) async throws {
        for day in partitions.missing(for: timestamps) {
            let create = {
                try await pools.ingest.statement(PostgresQuery(unsafeSQL: day.createStatement), logger: logger)
            }
            do {
                try await instrumentation.statement(day.createStatement, create)
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == Self.overlappingPartition {
                // A monthly partition from before partitions were daily holds the day (a replica of an
                // older version may have just created it), or another process created the day's
                // partition after our statement checked that it did not exist.
                try await loadMonthlyPartitions()
            } catch {
                // Another process may have created the same partition between our check and our
                // statement; the second attempt then finds it and does nothing.
                try await instrumentation.statement(day.createStatement, create)
            }
            partitions.markCovered(day)
        }
    }

    /// Reads which partitions of the log table are months, which index lookups take whole.
    func loadMonthlyPartitions() async throws {
        let rows = try await execute(
            "SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                + "WHERE i.inhparent = 'logs'::regclass", [])
        partitions.setMonths(
            fromPartitionNames: rows.compactMap { row in
                if case .text(let name) = row.first { name } else { nil }
            })
    }

    /// SQLSTATE of a partition whose bounds overlap an existing partition's.
    private static let overlappingPartition = "42P17"
}

/// Runs `body`, turning any error other than a ``StoreError`` into one that hides SQL and values.
@discardableResult
func withStoreErrors<T>(_ message: String, _ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as StoreError {
        throw error
    } catch {
        throw StoreError(StoreError.code(for: error), message, underlying: error)
    }
}

extension PostgresLogStore: SQLDatabase {
    typealias Dialect = PostgresDialect

    func execute(_ sql: String, _ values: [SQLValue]) async throws -> [[SQLValue?]] {
        try await withStoreErrors("statement failed") {
            try await instrumentation.statement(sql) { try await rows(sql, values) }
        }
    }

    /// The same as ``execute(_:_:)``: every statement takes a connection of its own from the pool.
    func read(_ sql: String, _ values: [SQLValue]) async throws -> [[SQLValue?]] {
        try await execute(sql, values)
    }

    /// `NOTIFY`, heard by the listeners of every process on the database.
    func notify(_ channel: String) async throws {
        _ = try await execute("SELECT pg_notify($1, '')", [.text(channel)])
    }

    /// `LISTEN` on a connection of the pool, held while listening; services start it beside
    /// ``run()``, so it first waits for the pools to start.
    func listen(_ channel: String, _ event: @escaping @Sendable (DatabaseNotification) -> Void) async throws {
        try await withStoreErrors("listening for notifications failed") {
            try await pools.started.wait()
            try await client.withConnection { connection in
                try await connection.listen(on: channel) { notifications in
                    event(.listening)
                    for try await notification in notifications { event(.received(notification.payload)) }
                }
            }
            try Task.checkCancellation()
            throw StoreError(.unavailable, "the database stopped sending notifications")
        }
    }

    /// A statement's rows; within the task's ``QueryBudget`` when it has one.
    private func rows(_ sql: String, _ values: [SQLValue]) async throws -> [[SQLValue?]] {
        if let budget = QueryBudget.current { return try await budgetedRows(sql, values, within: budget) }
        return try await Self.rows(
            client.statement(PostgresQuery(unsafeSQL: sql, binds: Self.bindings(values)), logger: logger))
    }

    static func rows(_ result: PostgresQueryResult) throws -> [[SQLValue?]] {
        try result.map { row in
            try row.map { cell -> SQLValue? in
                guard cell.bytes != nil else { return nil }
                switch cell.dataType {
                case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
                case .float4, .float8: return .double(try cell.decode(Double.self))
                default: return .text(try cell.decode(String.self))
                }
            }
        }
    }
}

extension PostgresLogStore: CommitFeed {}
