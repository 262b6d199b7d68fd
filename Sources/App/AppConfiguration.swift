import Foundation
import LogModel
import Stores
import Syslog
import Telemetry

/// Everything `logsmith serve` needs to start, read from flags and the environment.
///
/// Each setting has one name as a flag and one as an environment variable; a flag wins over the
/// variable, and the variable over the default.
struct AppConfiguration: Sendable {
    /// `--host` / `LOGSMITH_HOST`: the address to listen on. Default `127.0.0.1`.
    var host = "127.0.0.1"
    /// `--port` / `LOGSMITH_PORT`: the port to listen on; 0 picks a free one. Default 8080.
    var port = 8080
    /// `--data-dir` / `LOGSMITH_DATA_DIR`: where the embedded SQLite database lives. Default `./data`.
    var dataDirectory = "./data"
    /// `--database-url` / `LOGSMITH_DATABASE_URL`: a `postgres://` URL; when set, PostgreSQL is used
    /// instead of SQLite. Default unset.
    var databaseURL: String?
    /// `LOGSMITH_DATABASE_POOL`: most PostgreSQL connections the process opens, split between the pools
    /// of ingest, reads and background jobs (``PostgresPoolSizes``). Default 20, at least 10.
    var databasePool = 20
    /// `LOGSMITH_DATABASE_READ_URL`: `postgres://` URLs of streaming-replication standbys of the
    /// database, separated by commas, that serve search, stories, stats, analytics and patterns
    /// when they have replayed every commit acknowledged before the request. Default none.
    var databaseReadURLs: [String] = []
    /// `LOGSMITH_DATABASE_READ_MAX_LAG_SECONDS`: a standby further behind than this serves nothing
    /// until it catches up. Default 10.
    var databaseReadMaxLagSeconds = 10
    /// `LOGSMITH_DATABASE_READ_WAIT_MS`: how long a read waits for a standby to replay the primary's
    /// position before it is served by the primary. Default 100.
    var databaseReadWaitMilliseconds = 100
    /// `--no-migrate` / `LOGSMITH_MIGRATE=false`: skip schema migration on start. Default: migrate.
    var migrateOnStart = true
    /// `LOGSMITH_HTTP_IDLE_TIMEOUT_SECONDS`: a connection that completes no request head for this long
    /// (idle between requests, or trickling its headers) is closed. Default 30.
    var httpIdleTimeoutSeconds = 30
    /// `LOGSMITH_HTTP_MIN_BODY_RATE`: bytes per second a request body must arrive at while the server
    /// waits for it, after a grace of the idle timeout; a slower body closes the connection. Default 500.
    var httpMinBodyBytesPerSecond = 500
    /// `LOGSMITH_HTTP_MAX_CONNECTIONS`: most HTTP connections open at once; past it a new connection
    /// gets a 503 problem and is closed. Default 10,000, and never more than the open-file limit
    /// leaves (which the server raises to its hard limit at start) less 256.
    var httpMaxConnections = 10_000
    /// `LOGSMITH_HTTP_MAX_CONNECTIONS_PER_CLIENT`: most HTTP connections open at once from one client
    /// address (trusted proxies exempt). Default 256.
    var httpMaxConnectionsPerClient = 256
    /// `LOGSMITH_MAX_PAGE_BYTES`: most bytes of records in one search page or story (at least one
    /// record); a page full by bytes has a `next_cursor` after its last record. Default 8 MiB.
    var maxPageBytes = 8 << 20
    /// `LOGSMITH_READ_CONCURRENCY_PER_TENANT`: most reads (search, story, stats, analytics) one tenant
    /// runs at once; more wait for a slot within their budget, else get a 429. Default half the
    /// machine's cores, at least one, so that one tenant's reads leave cores to the others.
    var readConcurrencyPerTenant = max(1, ProcessInfo.processInfo.activeProcessorCount / 2)
    /// `LOGSMITH_MAX_BODY_BYTES`: largest ingest request body. Default 10 MiB.
    var maxBodyBytes = 10 * 1024 * 1024
    /// `LOGSMITH_MAX_UPLOAD_BYTES`: most bytes of text one upload may hold, after decompression.
    /// Default 16 GiB.
    var maxUploadBytes = 16 * 1024 * 1024 * 1024
    /// `LOGSMITH_MAX_BATCH_RECORDS`: most records in one ingest request. Default 10,000.
    var maxRecordsPerRequest = 10_000
    /// `LOGSMITH_INGEST_QUEUE_RECORDS`: most records waiting for a commit before ingest answers 503.
    /// Default 100,000.
    var maxQueuedRecords = 100_000
    /// `LOGSMITH_INGEST_QUEUE_RECORDS_PER_TENANT`: most records of one tenant waiting for a commit
    /// before that tenant's ingest answers 503; unset, half of ``maxQueuedRecords``.
    var maxQueuedRecordsPerTenant: Int?
    /// `LOGSMITH_MAX_ATTRIBUTE_KEYS`: most distinct attribute keys (nested ones as dotted paths) a
    /// tenant's records may bring in one UTC day; records past it are rejected one by one. Default 10,000.
    var maxAttributeKeysPerDay = 10_000
    /// `LOGSMITH_INGEST_BATCH_RECORDS`: most records in one insert of the group-commit writer. Default 5,000.
    var ingestBatchRecords = 5000
    /// `LOGSMITH_INGEST_FLUSHES`: most batches being inserted at once; unset, ``ingestFlushes`` decides.
    var ingestFlushesSetting: Int?
    /// Most batches the group-commit writer inserts at once: the setting, else 4 with PostgreSQL, whose
    /// backends insert in parallel, and 1 with SQLite, which has one writer.
    var ingestFlushes: Int { ingestFlushesSetting ?? (databaseURL == nil ? 1 : 4) }
    /// `LOGSMITH_RETENTION_DAYS`: how many days of records are kept for a tenant without a retention
    /// of its own; ingest refuses records dated earlier than the tenant's retention (`too_old`), and
    /// the retention job removes them. Default 30.
    var retentionDays = 30
    /// `LOGSMITH_RETENTION_INTERVAL_SECONDS`: time between runs of the retention job (the first runs
    /// at start). Default 3600.
    var retentionIntervalSeconds = 3600
    /// `LOGSMITH_PATTERNS`: `on` gives every ingested record a pattern (``PatternAssigner``), `off`
    /// stores records without one. Default on.
    var patternsEnabled = true
    /// `LOGSMITH_PATTERN_SYNC_SECONDS`: time between adding pattern counts to the store and reconciling
    /// with the patterns other replicas found. Default 10.
    var patternSyncSeconds = 10
    /// `LOGSMITH_TAIL_LIMIT`: most live tails open at once per tenant. Default 20.
    var tailsPerTenant = 20
    /// `LOGSMITH_TAIL_BUFFER_RECORDS`: most committed records waiting for one live tail whose client
    /// reads slowly; past it the oldest are dropped and the client told how many. Default 10,000.
    var tailBufferRecords = 10_000
    /// `LOGSMITH_TAIL_HEARTBEAT_SECONDS`: longest silence on a live tail before a heartbeat. Default 15.
    var tailHeartbeatSeconds = 15
    /// `LOGSMITH_ALERTS`: `on` evaluates alert rules (once across replicas); `off` keeps the API but
    /// evaluates nothing. Default on.
    var alertsEnabled = true
    /// `LOGSMITH_PUBLIC_URL`: the address people reach this service at, for the links in alerts.
    /// Default `http://<host>:<port>`.
    var publicURLSetting: String?
    /// `LOGSMITH_ALERTMANAGER_URL`: the Alertmanager an alert rule's `alertmanager` target goes to
    /// when it names none. Default none.
    var alertmanagerURL: String?
    /// `LOGSMITH_ALERT_ALLOW_LINK_LOCAL`: `true` lets alert targets be link-local or cloud metadata
    /// addresses. Default false.
    var alertAllowLinkLocal = false
    /// `LOGSMITH_ALERT_RETRY_SECONDS`: how long a notification is retried before it is given up.
    /// Default 3600.
    var alertRetrySeconds = 3600
    /// `LOGSMITH_ALERT_REPEAT_SECONDS`: time between webhook reminders of an unacknowledged firing
    /// alert; 0 for none. Default 14,400 (4 hours).
    var alertRepeatSeconds = 14_400
    /// `LOGSMITH_ALERT_RULES_PER_TENANT`: the most alert rules one tenant may have. Default 1,000.
    var alertRulesPerTenant = 1000

    /// The address links in alerts start with: `LOGSMITH_PUBLIC_URL`, else this server's.
    var publicURL: String { publicURLSetting ?? "http://\(host.contains(":") ? "[\(host)]" : host):\(port)" }
    /// `LOGSMITH_JAEGER_URL`: the Jaeger UI the explorer links traces to (`<url>/trace/<trace_id>`),
    /// http or https. Default none: no links.
    var jaegerURL: String?
    /// `LOGSMITH_RETENTION_BATCH_RECORDS`: most records one delete of the retention job removes.
    /// Default 10,000.
    var retentionBatchRecords = 10_000
    /// `LOGSMITH_MAX_FUTURE_MINUTES`: how far ahead of receipt a record's timestamp may lie; ingest
    /// refuses records dated later (`too_far_in_future`). Default 10.
    var maxFutureMinutes = 10
    /// `LOGSMITH_LOG_LEVEL`: the service's own log level. Default `info`.
    var logLevel = "info"
    /// `LOGSMITH_LOG_FORMAT`: `json` (one object per line) or `text` for a human terminal. Default `json`.
    var logFormat = LogFormat.json
    /// `LOGSMITH_AUTH`: `on` requires a credential on every log and admin route; `off` makes every
    /// request the `default` tenant with every scope, and is refused unless the host is loopback.
    /// Default `on`.
    var authEnabled = true
    /// `LOGSMITH_JWT_SECRET`: the secret that signs session tokens (at least 32 characters). Default:
    /// generated once and kept in `<data-dir>/jwt-secret` (mode 0600); set it when replicas share a database.
    var jwtSecret: String?
    /// `LOGSMITH_METRICS_TOKEN`: the bearer token `/metrics` requires while authentication is on (at
    /// least 32 characters). Default: generated once and kept in `<data-dir>/metrics-token` (mode 0600).
    var metricsToken: String?
    /// `LOGSMITH_LIMIT_INGEST_RECORDS`: records ingested per second per tenant (burst: one second's
    /// worth); 0 turns the limit off. Default 50,000.
    var ingestRecordsPerSecond = 50_000
    /// `LOGSMITH_LIMIT_INGEST_BYTES`: request-body bytes ingested per second per tenant; 0 is off.
    /// Default 50 MiB.
    var ingestBytesPerSecond = 50 * 1024 * 1024
    /// `LOGSMITH_LIMIT_INGEST_RECORDS_PER_KEY`: records ingested per second per credential (API key
    /// or user), within the tenant's limit, so one runaway shipper cannot take a tenant's whole
    /// budget; 0 is off. Default 0.
    var ingestRecordsPerCredentialPerSecond = 0
    /// `LOGSMITH_LIMIT_SEARCH`: search and read requests per second per client address; 0 is off.
    /// Default 50.
    var searchRequestsPerSecond = 50
    /// `LOGSMITH_LIMIT_SEARCH_PER_TENANT`: read requests per second per tenant, from all its addresses;
    /// 0 is off. Default 100.
    var searchRequestsPerTenantPerSecond = 100
    /// `LOGSMITH_LIMIT_SEARCH_BYTES_PER_TENANT`: bytes of search pages per second per tenant (at least
    /// one full page at a time); 0 is off. Default 32 MiB.
    var searchBytesPerTenantPerSecond = 32 << 20
    /// `LOGSMITH_TRUSTED_PROXIES`: comma-separated addresses of reverse proxies whose
    /// `X-Forwarded-For` names the client for per-address limits and logs. Default: none.
    var trustedProxies: Set<String> = []
    /// `LOGSMITH_REDIS_URL`: `redis://[user:password@]host:port/db`; when set, rate limits are kept in
    /// Redis and hold across every replica. Default unset: limits are kept in process.
    var redisURL: String?
    /// `LOGSMITH_LIMIT_FAIL_CLOSED`: `true` refuses limited requests with 503 while Redis is
    /// unreachable; by default (`false`) they are allowed, so a Redis outage never stops ingest.
    var limiterFailClosed = false
    /// `LOGSMITH_CACHE_TTL`: seconds a cached search page is kept (in Redis when configured, else in
    /// process); 0 turns the cache off. Default 30.
    var cacheTTLSeconds = 30
    /// `LOGSMITH_CACHE_WRITE_WINDOW_MS`: after an ingest, how long the tenant's searches skip the
    /// cache; ingest invalidates at most four times per window per process. Default 1000.
    var cacheWriteWindowMilliseconds = 1000
    /// `LOGSMITH_CACHE_MAX_BYTES`: the in-process cache's size bound. Default 64 MiB.
    var cacheMaxBytes = 64 * 1024 * 1024
    /// `LOGSMITH_QUERY_BUDGET`: seconds a read (search, story, stats, analytics) may take before it
    /// answers with what it found, marked partial (see ``ReadBudget``). Default 5.
    var queryBudgetSeconds = 5
    /// `LOGSMITH_BCRYPT_COST`: the bcrypt cost of new password hashes (4-16). Default 11.
    var bcryptCost = 11
    /// `LOGSMITH_SYSLOG_TCP`: `host:port` (or a port, on loopback) of a syslog TCP listener. Default off.
    var syslogTCP: SyslogAddress?
    /// `LOGSMITH_SYSLOG_UDP`: `host:port` (or a port, on loopback) of a syslog UDP listener. Default off.
    var syslogUDP: SyslogAddress?
    /// `LOGSMITH_SYSLOG_TENANT`: the tenant syslog messages are stored under. Default `default`.
    var syslogTenant = "default"

    /// The defaults, overridden by whatever the environment sets.
    init(environment: [String: String]) throws(ConfigurationError) {
        if let value = environment["LOGSMITH_HOST"] { host = value }
        try integer("LOGSMITH_PORT", 0...65535, into: \.port, from: environment)
        if let value = environment["LOGSMITH_DATA_DIR"] { dataDirectory = value }
        if let value = environment["LOGSMITH_DATABASE_URL"], !value.isEmpty { databaseURL = value }
        try integer(
            "LOGSMITH_DATABASE_POOL", PostgresPoolSizes.minimumTotal...1000, into: \.databasePool, from: environment)
        if let value = environment["LOGSMITH_DATABASE_READ_URL"] {
            databaseReadURLs = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
        }
        try integer(
            "LOGSMITH_DATABASE_READ_MAX_LAG_SECONDS", 1...86_400, into: \.databaseReadMaxLagSeconds, from: environment)
        try integer(
            "LOGSMITH_DATABASE_READ_WAIT_MS", 0...60_000, into: \.databaseReadWaitMilliseconds, from: environment)
        if let value = environment["LOGSMITH_MIGRATE"] { migrateOnStart = !["false", "0", "no"].contains(value) }
        try integer("LOGSMITH_HTTP_IDLE_TIMEOUT_SECONDS", 1...3600, into: \.httpIdleTimeoutSeconds, from: environment)
        try integer(
            "LOGSMITH_HTTP_MIN_BODY_RATE", 1...1_000_000_000, into: \.httpMinBodyBytesPerSecond, from: environment)
        try integer(
            "LOGSMITH_READ_CONCURRENCY_PER_TENANT", 1...1000, into: \.readConcurrencyPerTenant, from: environment)
        try integer("LOGSMITH_MAX_PAGE_BYTES", 1024...(1 << 30), into: \.maxPageBytes, from: environment)
        try integer("LOGSMITH_HTTP_MAX_CONNECTIONS", 1...1_000_000, into: \.httpMaxConnections, from: environment)
        try integer(
            "LOGSMITH_HTTP_MAX_CONNECTIONS_PER_CLIENT", 1...1_000_000, into: \.httpMaxConnectionsPerClient,
            from: environment)
        try integer("LOGSMITH_MAX_BODY_BYTES", 1024...1_073_741_824, into: \.maxBodyBytes, from: environment)
        try integer("LOGSMITH_MAX_BATCH_RECORDS", 1...1_000_000, into: \.maxRecordsPerRequest, from: environment)
        try integer("LOGSMITH_MAX_UPLOAD_BYTES", 1024...(1 << 50), into: \.maxUploadBytes, from: environment)
        try integer("LOGSMITH_INGEST_QUEUE_RECORDS", 1...10_000_000, into: \.maxQueuedRecords, from: environment)
        try integer("LOGSMITH_MAX_ATTRIBUTE_KEYS", 1...1_000_000, into: \.maxAttributeKeysPerDay, from: environment)
        maxQueuedRecordsPerTenant = try Self.integer(
            "LOGSMITH_INGEST_QUEUE_RECORDS_PER_TENANT", 1...10_000_000, from: environment)
        try integer("LOGSMITH_INGEST_BATCH_RECORDS", 1...100_000, into: \.ingestBatchRecords, from: environment)
        ingestFlushesSetting = try Self.integer("LOGSMITH_INGEST_FLUSHES", 1...64, from: environment)
        try integer("LOGSMITH_RETENTION_DAYS", 1...36_500, into: \.retentionDays, from: environment)
        try integer(
            "LOGSMITH_RETENTION_INTERVAL_SECONDS", 1...86_400, into: \.retentionIntervalSeconds, from: environment)
        try integer(
            "LOGSMITH_RETENTION_BATCH_RECORDS", 100...1_000_000, into: \.retentionBatchRecords, from: environment)
        try integer("LOGSMITH_MAX_FUTURE_MINUTES", 0...1440, into: \.maxFutureMinutes, from: environment)
        if let value = environment["LOGSMITH_LOG_LEVEL"] { logLevel = value }
        if let value = environment["LOGSMITH_LOG_FORMAT"] {
            guard let format = LogFormat(rawValue: value) else {
                throw ConfigurationError(message: "LOGSMITH_LOG_FORMAT must be json or text")
            }
            logFormat = format
        }
        try flag("LOGSMITH_ALERTS", ("on", "off"), into: \.alertsEnabled, from: environment)
        publicURLSetting = try Self.httpURL("LOGSMITH_PUBLIC_URL", from: environment)
        alertmanagerURL = try Self.httpURL("LOGSMITH_ALERTMANAGER_URL", from: environment)
        try flag("LOGSMITH_ALERT_ALLOW_LINK_LOCAL", ("true", "false"), into: \.alertAllowLinkLocal, from: environment)
        try integer("LOGSMITH_ALERT_RETRY_SECONDS", 10...604_800, into: \.alertRetrySeconds, from: environment)
        try integer("LOGSMITH_ALERT_REPEAT_SECONDS", 0...604_800, into: \.alertRepeatSeconds, from: environment)
        try integer("LOGSMITH_ALERT_RULES_PER_TENANT", 1...100_000, into: \.alertRulesPerTenant, from: environment)
        try flag("LOGSMITH_PATTERNS", ("on", "off"), into: \.patternsEnabled, from: environment)
        try integer("LOGSMITH_PATTERN_SYNC_SECONDS", 1...3600, into: \.patternSyncSeconds, from: environment)
        try integer("LOGSMITH_TAIL_LIMIT", 1...10_000, into: \.tailsPerTenant, from: environment)
        try integer("LOGSMITH_TAIL_BUFFER_RECORDS", 200...1_000_000, into: \.tailBufferRecords, from: environment)
        try integer("LOGSMITH_TAIL_HEARTBEAT_SECONDS", 1...300, into: \.tailHeartbeatSeconds, from: environment)
        jaegerURL = try Self.httpURL("LOGSMITH_JAEGER_URL", from: environment)
        try flag("LOGSMITH_AUTH", ("on", "off"), into: \.authEnabled, from: environment)
        if let value = environment["LOGSMITH_JWT_SECRET"], !value.isEmpty {
            guard value.count >= 32 else {
                throw ConfigurationError(message: "LOGSMITH_JWT_SECRET must be at least 32 characters")
            }
            jwtSecret = value
        }
        if let value = environment["LOGSMITH_METRICS_TOKEN"], !value.isEmpty {
            guard value.count >= 32 else {
                throw ConfigurationError(message: "LOGSMITH_METRICS_TOKEN must be at least 32 characters")
            }
            metricsToken = value
        }
        try integer("LOGSMITH_LIMIT_INGEST_RECORDS", 0...100_000_000, into: \.ingestRecordsPerSecond, from: environment)
        try integer("LOGSMITH_LIMIT_INGEST_BYTES", 0...10_000_000_000, into: \.ingestBytesPerSecond, from: environment)
        try integer(
            "LOGSMITH_LIMIT_INGEST_RECORDS_PER_KEY", 0...100_000_000, into: \.ingestRecordsPerCredentialPerSecond,
            from: environment)
        try integer("LOGSMITH_LIMIT_SEARCH", 0...1_000_000, into: \.searchRequestsPerSecond, from: environment)
        try integer(
            "LOGSMITH_LIMIT_SEARCH_PER_TENANT", 0...1_000_000, into: \.searchRequestsPerTenantPerSecond,
            from: environment)
        try integer(
            "LOGSMITH_LIMIT_SEARCH_BYTES_PER_TENANT", 0...(1 << 40), into: \.searchBytesPerTenantPerSecond,
            from: environment)
        if let value = environment["LOGSMITH_TRUSTED_PROXIES"] {
            trustedProxies = Set(value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        }
        if let value = environment["LOGSMITH_REDIS_URL"], !value.isEmpty { redisURL = value }
        try flag("LOGSMITH_LIMIT_FAIL_CLOSED", ("true", "false"), into: \.limiterFailClosed, from: environment)
        try integer("LOGSMITH_CACHE_TTL", 0...86_400, into: \.cacheTTLSeconds, from: environment)
        try integer(
            "LOGSMITH_CACHE_WRITE_WINDOW_MS", 4...60_000, into: \.cacheWriteWindowMilliseconds, from: environment)
        try integer("LOGSMITH_CACHE_MAX_BYTES", 0...68_719_476_736, into: \.cacheMaxBytes, from: environment)
        try integer("LOGSMITH_BCRYPT_COST", 4...16, into: \.bcryptCost, from: environment)
        try integer("LOGSMITH_QUERY_BUDGET", 1...600, into: \.queryBudgetSeconds, from: environment)
        for (name, setting) in [("LOGSMITH_SYSLOG_TCP", \Self.syslogTCP), ("LOGSMITH_SYSLOG_UDP", \Self.syslogUDP)] {
            guard let value = environment[name], !value.isEmpty else { continue }
            guard let address = SyslogAddress(value) else {
                throw ConfigurationError(message: "\(name) must be host:port, [v6 address]:port or a port")
            }
            self[keyPath: setting] = address
        }
        if let value = environment["LOGSMITH_SYSLOG_TENANT"], !value.isEmpty { syslogTenant = value }
    }

    /// Refuses combinations that would be unsafe: authentication off on an address reachable from
    /// other machines.
    func validate() throws(ConfigurationError) {
        guard databaseReadURLs.isEmpty || databaseURL != nil else {
            throw ConfigurationError(message: "LOGSMITH_DATABASE_READ_URL needs LOGSMITH_DATABASE_URL, the primary")
        }
        guard authEnabled || Self.isLoopback(host) else {
            throw ConfigurationError(
                message: "LOGSMITH_AUTH=off is allowed only when listening on loopback (127.0.0.1, ::1, localhost)")
        }
    }

    private static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }

    /// The http or https URL in the environment variable `name`, nil when it is absent or empty.
    private static func httpURL(_ name: String, from environment: [String: String]) throws(ConfigurationError)
        -> String?
    {
        guard let value = environment[name], !value.isEmpty else { return nil }
        guard let url = URLComponents(string: value), ["http", "https"].contains(url.scheme?.lowercased()),
            url.host?.isEmpty == false
        else {
            throw ConfigurationError(message: "\(name) must be an http or https URL")
        }
        return value
    }

    /// Sets `setting` from the environment variable `name` when it is present: true for the first of
    /// `words`, false for the second, refused for anything else.
    private mutating func flag(
        _ name: String, _ words: (yes: String, no: String), into setting: WritableKeyPath<Self, Bool>,
        from environment: [String: String]
    ) throws(ConfigurationError) {
        guard let value = environment[name] else { return }
        guard [words.yes, words.no].contains(value) else {
            throw ConfigurationError(message: "\(name) must be \(words.yes) or \(words.no)")
        }
        self[keyPath: setting] = value == words.yes
    }

    /// Sets `setting` from the environment variable `name` when it is present.
    private mutating func integer(
        _ name: String, _ range: ClosedRange<Int>, into setting: WritableKeyPath<Self, Int>,
        from environment: [String: String]
    ) throws(ConfigurationError) {
        if let value = try Self.integer(name, range, from: environment) { self[keyPath: setting] = value }
    }

    /// The integer in the environment variable `name`, nil when it is absent; refused outside `range`.
    private static func integer(
        _ name: String, _ range: ClosedRange<Int>, from environment: [String: String]
    ) throws(ConfigurationError) -> Int? {
        guard let text = environment[name] else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw ConfigurationError(message: "\(name) must be an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }
}

/// A setting that cannot be used, named in the message (never with its value, which may be secret).
struct ConfigurationError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
