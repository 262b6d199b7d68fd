import Hummingbird
import Logging
import ServiceLifecycle
import Stores

/// The tenant every record belongs to until access control assigns tenants.
let defaultTenant = "default"

/// Builds the application for a configuration: the store it names (PostgreSQL when a database URL is
/// set, else SQLite under the data directory), the group-commit writer and the router.
///
/// This is the one composition root: `logsmith serve` and the tests both call it.
func buildApplication(_ configuration: AppConfiguration, logger: Logger) async throws -> any ApplicationProtocol {
    if let url = configuration.databaseURL {
        let store = PostgresLogStore(configuration: try .init(url: url), logger: logger)
        return buildApplication(configuration, store: store, logger: logger)
    }
    let store = try await SQLiteLogStore.open(directory: configuration.dataDirectory, logger: logger)
    return buildApplication(configuration, store: store, logger: logger)
}

/// Builds the application over a given store.
func buildApplication(_ configuration: AppConfiguration, store: some LogStore, logger: Logger)
    -> some ApplicationProtocol
{
    let writer = GroupCommitWriter(
        store: store, configuration: .init(maxQueuedRecords: configuration.maxQueuedRecords), clock: ContinuousClock())
    let router = buildRouter(store: store, writer: writer, configuration: configuration)
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "logsmith"),
        services: [store, writer],
        onServerRunning: { channel in
            logger.info(
                "server started",
                metadata: [
                    "server.address": "\(configuration.host)", "server.port": "\(channel.localAddress?.port ?? 0)",
                ])
        },
        logger: logger
    )
    if configuration.migrateOnStart {
        app.beforeServerStarts {
            try await store.migrate()
        }
    }
    return app
}

/// Builds the router: every route, behind the middleware that renders errors as problem+json.
func buildRouter<Store: LogStore, WriterClock: Clock<Duration>>(
    store: Store, writer: GroupCommitWriter<Store, WriterClock>, configuration: AppConfiguration
) -> Router<BasicRequestContext> {
    let router = Router()
    router.add(middleware: ProblemMiddleware())
    HealthRoutes(store: store).register(on: router)
    IngestRoutes(writer: writer, configuration: configuration).register(on: router)
    SearchRoutes(store: store).register(on: router)
    return router
}

/// Runs `body` with the configured store's service running, for commands that use the store
/// without serving HTTP.
func withStore(
    _ configuration: AppConfiguration, logger: Logger, _ body: @Sendable @escaping (any LogStore) async throws -> Void
) async throws {
    let store: any LogStore =
        if let url = configuration.databaseURL {
            PostgresLogStore(configuration: try .init(url: url), logger: logger)
        } else {
            try await SQLiteLogStore.open(directory: configuration.dataDirectory, logger: logger)
        }
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await store.run() }
        try await body(store)
        group.cancelAll()
    }
}
