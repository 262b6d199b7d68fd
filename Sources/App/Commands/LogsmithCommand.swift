import ArgumentParser
import Foundation
import Hummingbird
import Instrumentation
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import Stores
import Telemetry
import UnixSignals

/// The `logsmith` command line: `serve`, `migrate`, `keys` and `users`.
@main
struct LogsmithCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logsmith",
        abstract: "Log ingestion and search service.",
        subcommands: [
            Serve.self, Migrate.self, KeysCommand.self, UsersCommand.self, UploadCommand.self, PatternsCommand.self,
            TailCommand.self,
        ],
        defaultSubcommand: Serve.self
    )
}

/// Flags shared by every subcommand; each overrides the environment variable of the same meaning.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "Directory of the embedded SQLite database (LOGSMITH_DATA_DIR, default ./data).")
    var dataDir: String?

    @Option(help: "postgres:// URL; switches to PostgreSQL (LOGSMITH_DATABASE_URL).")
    var databaseURL: String?

    /// The configuration from the environment with these flags applied.
    func configuration() throws -> AppConfiguration {
        var configuration = try AppConfiguration(environment: ProcessInfo.processInfo.environment)
        if let dataDir { configuration.dataDirectory = dataDir }
        if let databaseURL { configuration.databaseURL = databaseURL }
        return configuration
    }

    /// The service's logger, writing JSON (or text) lines to stdout at the configured level, with
    /// the request, correlation, trace and span IDs of the current task.
    func logger(_ configuration: AppConfiguration) -> Logger {
        let level = Logger.Level(rawValue: configuration.logLevel.lowercased()) ?? .info
        LoggingSystem.bootstrap(configuration.logFormat.handlerFactory(level: level, serviceName: "logsmith"))
        return Logger(label: "logsmith")
    }
}

/// `logsmith serve`: runs the HTTP service until SIGINT or SIGTERM.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the HTTP service.")

    @Option(help: "Address to listen on (LOGSMITH_HOST, default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on, 0 for any free port (LOGSMITH_PORT, default 8080).")
    var port: Int?

    @Flag(help: "Do not migrate the schema on start (LOGSMITH_MIGRATE=false).")
    var noMigrate = false

    @OptionGroup var options: ConnectionOptions

    func run() async throws {
        var configuration = try options.configuration()
        if let host { configuration.host = host }
        if let port { configuration.port = port }
        if noMigrate { configuration.migrateOnStart = false }
        let logger = options.logger(configuration)
        let observability = try Observability(environment: ProcessInfo.processInfo.environment)
        InstrumentationSystem.bootstrap(observability.tracer)
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: observability.metrics.registry))
        let app = try await buildApplication(configuration, observability: observability, logger: logger)
        try await ServiceGroup(
            services: [ShutdownSteps.Whole(application: app, logger: logger)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ).run()
    }
}

/// `logsmith migrate`: applies schema migrations and exits.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create or upgrade the database schema, then exit.")

    @OptionGroup var options: ConnectionOptions

    func run() async throws {
        let configuration = try options.configuration()
        let logger = options.logger(configuration)
        try await withStores(configuration, logger: logger) { store, _ in
            try await store.migrate()
        }
        logger.info("migrations applied")
    }
}
