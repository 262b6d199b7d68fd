import Access
import Alerting
import Hummingbird
import Ingestion
import Logging
import NIOCore
import Retention
import ServiceLifecycle
import Stores
import Syslog
import Tailing
import Telemetry

/// The tenant every request belongs to when authentication is off, and the operator tenant whose
/// admins manage the other tenants.
let defaultTenant = "default"

/// Builds the application for a configuration: the store it names (PostgreSQL when a database URL is
/// set, else SQLite under the data directory), the group-commit writer, authentication and the router.
///
/// This is the one composition root: `logsmith serve` and the tests both call it. Tests pass their
/// own `limiterClock` so rate limits do not depend on how fast the machine runs.
func buildApplication(
    _ configuration: AppConfiguration, observability: Observability = .local(), logger: Logger,
    limiterClock: some Clock<Duration> = ContinuousClock()
) async throws -> any ApplicationProtocol {
    try configuration.validate()
    var configuration = configuration
    if configuration.authEnabled { configuration.metricsToken = try SecretFiles.scrapeToken(configuration) }
    let sessions = await SessionTokens(secret: try SecretFiles.signingSecret(configuration))
    var redis: RedisClient?
    if let url = configuration.redisURL {
        redis = RedisClient(configuration: try RedisConfiguration(url: url), observability: observability)
    }
    let degradation = DegradationReporter(dependency: "redis", metrics: observability.metrics, logger: logger)
    let failClosed = configuration.limiterFailClosed
    let limiter = FailSafeRateLimiter(
        redis.map { RedisRateLimiter(client: $0, clock: limiterClock) } ?? InProcessRateLimiter(clock: limiterClock),
        mode: failClosed ? .failClosed : .failOpen
    ) { error in
        degradation.failed(
            "rate_limiter", consequence: failClosed ? "limited requests refused" : "limits not enforced", error: error)
    }
    let resultCache: (any ResultCache)? =
        configuration.cacheTTLSeconds == 0
        ? nil
        : redis.map { RedisResultCache(client: $0) }
            ?? InProcessResultCache(maximumBytes: configuration.cacheMaxBytes, clock: ContinuousClock())
    let cache = SearchCache(
        cache: resultCache, ttl: .seconds(configuration.cacheTTLSeconds),
        writeWindow: .milliseconds(configuration.cacheWriteWindowMilliseconds), metrics: observability.metrics,
        degradation: degradation)
    var dependencies = Dependencies(limiter: limiter, cache: cache, redis: redis)
    if let url = configuration.databaseURL {
        let standbys =
            configuration.databaseReadURLs.isEmpty
            ? nil
            : PostgresStandbySettings(
                standbys: try configuration.databaseReadURLs.map { try .init(url: $0) },
                maximumLag: .seconds(configuration.databaseReadMaxLagSeconds),
                replayWait: .milliseconds(configuration.databaseReadWaitMilliseconds))
        let store = PostgresLogStore(
            configuration: try .init(url: url, maximumConnections: configuration.databasePool), logger: logger,
            observability: observability, standbys: standbys)
        dependencies.standbys = { store.standbyStatuses }
        let jobs = store.backgroundJobs
        return buildApplication(
            configuration, store: store, credentials: store.credentials, alerts: store.alerts,
            pools: PoolViews(ingestion: store.ingestion, jobs: jobs, jobAlerts: jobs.alerts),
            dependencies: dependencies, sessions: sessions, observability: observability, logger: logger)
    }
    let store = try await SQLiteLogStore.open(
        directory: configuration.dataDirectory, logger: logger, observability: observability)
    return buildApplication(
        configuration, store: store, credentials: store.credentials, alerts: store.alerts,
        pools: PoolViews(ingestion: store, jobs: store, jobAlerts: store.alerts), dependencies: dependencies,
        sessions: sessions, observability: observability, logger: logger)
}

/// The stores as the work that must not wait for another's connections sees them: ingest (the
/// group-commit writer, pattern templates, attribute keys) and the background jobs (alert
/// evaluation and retention). On PostgreSQL, the same stores on the pools of ingest and of jobs
/// (``PostgresPools``); on SQLite, the stores themselves.
struct PoolViews<
    Ingestion: LogStore & AttributeKeyStore & PatternStore,
    Jobs: LogStore & RetentionStore & JobElection & PatternStore, JobAlerts: AlertStore
> {
    /// What the ingest pipeline writes through.
    var ingestion: Ingestion
    /// What background jobs read and write through.
    var jobs: Jobs
    /// The alert store of background jobs.
    var jobAlerts: JobAlerts
}

/// What the stores are complemented by: the rate limiter, the search cache and, when configured,
/// the Redis client behind them; and what the PostgreSQL standbys were last seen as, for `/ready`.
struct Dependencies<Limiter: RateLimiter> {
    var limiter: Limiter
    var cache: SearchCache
    var redis: RedisClient?
    var standbys: @Sendable () -> [PostgresStandbyStatus] = { [] }
}

/// Builds the application over a given log store, credential store, alert store, the stores of the
/// pipelines' pools, limiter and cache.
func buildApplication(
    _ configuration: AppConfiguration,
    store: some LogStore & AttributeKeyStore & RetentionStore & JobElection & PatternStore & CommitFeed,
    credentials: some CredentialStore, alerts: some AlertStore,
    pools: PoolViews<
        some LogStore & AttributeKeyStore & PatternStore, some LogStore & RetentionStore & JobElection & PatternStore,
        some AlertStore
    >,
    dependencies: Dependencies<some RateLimiter>, sessions: SessionTokens, observability: Observability,
    logger: Logger
) -> some ApplicationProtocol {
    let credentials = CachedCredentials(credentials, logger: logger)
    let patterns =
        configuration.patternsEnabled
        ? PatternAssigner(
            store: pools.ingestion, settings: .init(interval: .seconds(configuration.patternSyncSeconds)),
            logger: logger)
        : nil
    let writer = GroupCommitWriter(
        store: pools.ingestion,
        configuration: .init(
            maxBatchRecords: configuration.ingestBatchRecords, maxQueuedRecords: configuration.maxQueuedRecords,
            maxQueuedRecordsPerTenant: configuration.maxQueuedRecordsPerTenant,
            maxConcurrentFlushes: configuration.ingestFlushes),
        clock: ContinuousClock(),
        attributeKeys: AttributeKeyGate(store: pools.ingestion, limit: configuration.maxAttributeKeysPerDay),
        patterns: patterns, observability: observability)
    let retentions = TenantRetentions(
        credentials: credentials, defaultDays: configuration.retentionDays, implicitTenant: defaultTenant)
    let tails = TailHub(
        store: store,
        settings: .init(perTenant: configuration.tailsPerTenant, bufferRecords: configuration.tailBufferRecords),
        metrics: observability.metrics, logger: logger)
    let router = buildRouter(
        configuration, store: store, credentials: credentials, alerts: alerts, dependencies: dependencies,
        sessions: sessions, observability: observability, writer: writer, retentions: retentions, tails: tails)
    let retention = RetentionJob(
        store: pools.jobs, retentions: retentions,
        settings: .init(
            interval: .seconds(configuration.retentionIntervalSeconds),
            batchRecords: configuration.retentionBatchRecords),
        metrics: observability.metrics, logger: logger)
    var services: [any Service] = [
        ShutdownSteps.Logged(service: store, stopped: "shutdown: store closed its connections", logger: logger),
        ShutdownSteps.Logged(
            service: writer, stopped: "shutdown: ingest writer committed every accepted record", logger: logger),
        ShutdownSteps.Logged(service: retention, stopped: "shutdown: retention job stopped", logger: logger),
        ShutdownSteps.Logged(service: tails, stopped: "shutdown: live tails closed", logger: logger),
        ShutdownSteps.ServerStopped(logger: logger),
    ]
    if configuration.authEnabled { services.insert(credentials, at: 1) }
    var storeIsReady: @Sendable () -> Void = {}
    if configuration.alertsEnabled {
        let evaluator = AlertEvaluator(
            store: pools.jobs, alerts: pools.jobAlerts,
            sender: AlertSender(policy: TargetAddressPolicy(allowsLinkLocal: configuration.alertAllowLinkLocal)),
            settings: .init(
                retryWindow: .seconds(configuration.alertRetrySeconds),
                repeatInterval: configuration.alertRepeatSeconds == 0
                    ? nil : .seconds(configuration.alertRepeatSeconds),
                baseURL: configuration.publicURL),
            observability: observability, logger: logger)
        services.insert(
            ShutdownSteps.Logged(service: evaluator, stopped: "shutdown: alert evaluation stopped", logger: logger),
            at: 1)
        storeIsReady = { evaluator.storeIsReady() }
    }
    if let patterns {
        services.insert(
            ShutdownSteps.Logged(
                service: patterns, stopped: "shutdown: pattern counts stored", logger: logger),
            at: 1)
    }
    if configuration.syslogTCP != nil || configuration.syslogUDP != nil {
        let cache = dependencies.cache
        let metrics = observability.metrics
        let tenant = configuration.syslogTenant
        let syslog = SyslogListener(
            settings: .init(tcp: configuration.syslogTCP, udp: configuration.syslogUDP, tenant: tenant),
            writer: writer, observability: observability,
            window: { await retentions.window(for: $0, aheadSeconds: configuration.maxFutureMinutes * 60) },
            committed: { records, bytes in
                await cache.invalidate(tenant: tenant)
                metrics.countAccepted(records, tenant: tenant, bytes: bytes, protocol: IngestProtocol.syslog.rawValue)
            }, logger: logger)
        services.insert(syslog, at: 2)
    }
    if let processor = observability.processor { services.insert(processor, at: 0) }
    let connections = OpenConnections(
        ConnectionCapSettings(
            total: min(configuration.httpMaxConnections, max(64, OpenFileLimit.raise() - 256)),
            perClient: configuration.httpMaxConnectionsPerClient, exempt: configuration.trustedProxies))
    let idleTimeout = TimeAmount.seconds(Int64(configuration.httpIdleTimeoutSeconds))
    var app = Application(
        router: router,
        server: .http1(
            configuration: .init(
                additionalChannelHandlers: [
                    ConnectionCapHandler(connections),
                    SlowBodyHandler(grace: idleTimeout, minimumBytesPerSecond: configuration.httpMinBodyBytesPerSecond),
                    ClientDisconnectHandler(),
                ],
                idleTimeout: idleTimeout)),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "logsmith"),
        services: services,
        onServerRunning: { channel in
            logger.info(
                "server started",
                metadata: [
                    "server.address": "\(configuration.host)", "server.port": "\(channel.localAddress?.port ?? 0)",
                ])
        },
        logger: logger
    )
    let migrated = storeIsReady
    app.beforeServerStarts {
        if configuration.migrateOnStart { try await store.migrate() }
        migrated()
        if configuration.authEnabled {
            try await SecretFiles.bootstrap(
                credentials: credentials, dataDirectory: configuration.dataDirectory, logger: logger)
        }
    }
    return app
}

/// The router: every route of the API with its middleware, over the parts the application is made of.
func buildRouter(
    _ configuration: AppConfiguration, store: some LogStore & JobElection & PatternStore,
    credentials: some CredentialStore, alerts: some AlertStore,
    dependencies: Dependencies<some RateLimiter>, sessions: SessionTokens, observability: Observability,
    writer: GroupCommitWriter<some LogStore, ContinuousClock>, retentions: TenantRetentions,
    tails: TailHub
) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: ClientAddressMiddleware(trustedProxies: configuration.trustedProxies))
    router.add(middleware: RequestTelemetryMiddleware(tracer: observability.tracer, metrics: observability.metrics))
    router.add(middleware: ProblemMiddleware())
    router.add(
        middleware: AuthMiddleware(
            authenticator: Authenticator(
                credentials: credentials, sessions: sessions, enabled: configuration.authEnabled)))
    router.add(middleware: QueryParameterMiddleware())
    let passwords = PasswordHasher(cost: UInt8(configuration.bcryptCost))
    let gate = RateLimitGate(limiter: dependencies.limiter, metrics: observability.metrics)
    let limits = RateLimits(configuration)
    HealthRoutes(store: store, redis: dependencies.redis, standbys: dependencies.standbys).register(on: router)
    CacheRoutes(cache: dependencies.cache, gate: gate, limits: limits).register(on: router)
    MetricsRoutes(
        metrics: observability.metrics,
        token: configuration.authEnabled ? configuration.metricsToken : nil
    ).register(on: router)
    let ingest = IngestPipeline(
        writer: writer, configuration: configuration, retentions: retentions, gate: gate, limits: limits,
        metrics: observability.metrics, cache: dependencies.cache)
    IngestRoutes(pipeline: ingest).register(on: router)
    OTLPLogRoutes(pipeline: ingest).register(on: router)
    LokiPushRoutes(pipeline: ingest).register(on: router)
    ElasticsearchRoutes(pipeline: ingest).register(on: router)
    UploadRoutes(pipeline: ingest, store: store).register(on: router)
    let budgets = ReadBudget(
        limit: .seconds(configuration.queryBudgetSeconds),
        slots: TenantReadSlots(perTenant: configuration.readConcurrencyPerTenant))
    SearchRoutes(
        store: store, gate: gate, limits: limits, cache: dependencies.cache, budgets: budgets,
        maxPageBytes: configuration.maxPageBytes
    )
    .register(on: router)
    StatsRoutes(store: store, gate: gate, limits: limits, cache: dependencies.cache, budgets: budgets)
        .register(on: router)
    PatternRoutes(store: store, gate: gate, limits: limits, cache: dependencies.cache, budgets: budgets)
        .register(on: router)
    AnalyticsRoutes(store: store, gate: gate, limits: limits, cache: dependencies.cache, budgets: budgets)
        .register(on: router)
    TailRoutes(hub: tails, gate: gate, limits: limits, heartbeat: .seconds(configuration.tailHeartbeatSeconds))
        .register(on: router)
    AuthRoutes(credentials: credentials, sessions: sessions, passwords: passwords, gate: gate, limits: limits)
        .register(on: router)
    AdminRoutes(
        store: store, credentials: credentials, passwords: passwords, cache: dependencies.cache, retentions: retentions
    ).register(on: router)
    AlertRoutes(
        alerts: alerts, policy: TargetAddressPolicy(allowsLinkLocal: configuration.alertAllowLinkLocal),
        baseURL: configuration.publicURL, alertmanagerURL: configuration.alertmanagerURL,
        maxRulesPerTenant: configuration.alertRulesPerTenant
    ).register(on: router)
    OpenAPIRoutes().register(on: router)
    ExplorerRoutes(jaegerURL: configuration.jaegerURL, authEnabled: configuration.authEnabled).register(on: router)
    return router
}

/// Runs `body` with the configured stores' service running, for commands that use the database
/// without serving HTTP.
func withStores(
    _ configuration: AppConfiguration, logger: Logger,
    _ body: @Sendable @escaping (any LogStore, any CredentialStore) async throws -> Void
) async throws {
    let store: any LogStore
    let credentials: any CredentialStore
    if let url = configuration.databaseURL {
        let postgres = PostgresLogStore(
            configuration: try .init(url: url, maximumConnections: configuration.databasePool), logger: logger)
        (store, credentials) = (postgres, postgres.credentials)
    } else {
        let sqlite = try await SQLiteLogStore.open(directory: configuration.dataDirectory, logger: logger)
        (store, credentials) = (sqlite, sqlite.credentials)
    }
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await store.run() }
        try await body(store, credentials)
        group.cancelAll()
    }
}
