import Foundation
import LogModel
import Logging
import PostgresNIO
import ServiceLifecycle
import Stores
import TestSupport
import Testing

/// The store implementations every contract test runs against.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgres

    var testDescription: String { rawValue }
}

/// Opens a store of the given kind, runs its service, migrates it, and hands it to `body`.
///
/// SQLite gets a fresh temporary directory; PostgreSQL uses the server of `LOGSMITH_TEST_DATABASE_URL`
/// (started by `scripts/test`), where tests keep apart by each using tenants of their own.
func withStore(_ kind: StoreKind, _ body: @Sendable (any LogStore) async throws -> Void) async throws {
    try await withStores(kind) { store, _ in try await body(store) }
}

/// Like ``withStore(_:_:)``, also handing over the credential store of the same database.
func withStores(
    _ kind: StoreKind, _ body: @Sendable (any LogStore, any CredentialStore) async throws -> Void
) async throws {
    let logger = Logger(label: "test")
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("logsmith-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    let store: any LogStore
    let credentials: any CredentialStore
    switch kind {
    case .sqlite:
        let sqlite = try await SQLiteLogStore.open(directory: directory.path, logger: logger)
        (store, credentials) = (sqlite, sqlite.credentials)
    case .postgres:
        // A few rows at a time, so that the message-text searches of the contract tests take every step
        // that searches over millions of rows take: reading the newest rows, reading on, the index slice by slice.
        let postgres = try postgresStore(logger: logger, indexedSearch: contractIndexedSearch)
        (store, credentials) = (postgres, postgres.credentials)
    }
    try await running(store) { try await body(store, credentials) }
}

/// A PostgreSQL store on the server of `LOGSMITH_TEST_DATABASE_URL` (started by `scripts/test`).
func postgresStore(logger: Logger, indexedSearch: IndexedSearch) throws -> PostgresLogStore {
    let url = try #require(
        ProcessInfo.processInfo.environment["LOGSMITH_TEST_DATABASE_URL"],
        "set LOGSMITH_TEST_DATABASE_URL to a PostgreSQL database (scripts/test does)")
    return PostgresLogStore(configuration: try .init(url: url), logger: logger, indexedSearch: indexedSearch)
}

/// Runs the store's service, migrates it, and runs `body` while the service runs; then cancels the
/// service and waits a bounded time for it to stop (see ``whileRunning(_:limit:_:_:)``).
func running<Store: LogStore>(_ store: Store, _ body: () async throws -> Void) async throws {
    try await whileRunning("a store's service", { try await store.run() }) {
        try await store.migrate()
        try await body()
    }
}

/// The PostgreSQL text search of the contract tests: steps of a few rows, index lookups over slices of
/// a few seconds (the records are seconds apart), and an index trial long enough never to run out.
let contractIndexedSearch = IndexedSearch(
    firstRows: 4, shortRead: 8, readBudget: 32, rowReadTime: .seconds(1), trialBounds: .seconds(30) ... .seconds(30),
    sliceLength: .seconds(1), doublings: 1)

/// A tenant name no other test uses.
func uniqueTenant() -> String { "test-\(UUID().uuidString.prefix(8).lowercased())" }

/// A fixed instant that tests count from: 2026-11-28T10:00:00Z.
let baseTime = Timestamp(rfc3339: "2026-11-28T10:00:00Z")!

/// A record with sensible defaults; `second` places it that many seconds after ``baseTime``.
func makeRecord(
    _ message: String, tenant: String, second: Int64 = 0, level: LogLevel = .info, service: String? = nil,
    host: String? = nil, environment: String? = nil, traceID: String? = nil, correlationID: String? = nil,
    attributes: [String: JSONValue] = [:]
) -> LogRecord {
    let timestamp = baseTime.adding(microseconds: second * 1_000_000)
    return LogRecord(
        id: RecordID.make(at: timestamp), tenant: tenant, timestamp: timestamp, observedAt: timestamp, level: level,
        severityNumber: level.defaultSeverityNumber, service: service, host: host, environment: environment,
        message: message, traceID: traceID, spanID: nil, correlationID: correlationID, attributes: attributes)
}

/// Like ``withStores(_:_:)``, but on a database of the test's own, for tests that act on every tenant
/// at once (dropping partitions) or see every tenant's changes: SQLite in a fresh directory, PostgreSQL in a new database on the
/// test server, dropped afterwards.
func withIsolatedStores(
    _ kind: StoreKind,
    _ body: @Sendable (any LogStore & RetentionStore & JobElection, any CredentialStore) async throws -> Void
) async throws {
    try await withIsolatedDatabase(kind) { store, credentials, _ in try await body(store, credentials) }
}

/// Like ``withIsolatedStores(_:_:)``, handing over the alert store of the database instead (the alert
/// evaluator reads every tenant's due rules).
func withAlertingStore(
    _ kind: StoreKind,
    _ body: @Sendable (any LogStore & PatternStore & JobElection, any AlertStore) async throws -> Void
) async throws {
    try await withIsolatedDatabase(kind) { store, _, alerts in try await body(store, alerts) }
}

/// A `kind` store on a database of the test's own with its credential and alert stores.
private func withIsolatedDatabase(
    _ kind: StoreKind,
    _ body:
        @Sendable (any LogStore & RetentionStore & JobElection & PatternStore, any CredentialStore, any AlertStore)
        async throws -> Void
) async throws {
    let logger = Logger(label: "test")
    switch kind {
    case .sqlite:
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("logsmith-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try await SQLiteLogStore.open(directory: directory.path, logger: logger)
        try await running(store) { try await body(store, store.credentials, store.alerts) }
    case .postgres:
        try await withFreshPostgresDatabase { url in
            let store = PostgresLogStore(configuration: try .init(url: url), logger: logger)
            try await running(store) { try await body(store, store.credentials, store.alerts) }
        }
    }
}

/// Creates a database on the server of `LOGSMITH_TEST_DATABASE_URL`, hands its URL to `body`, and
/// drops it afterwards.
func withFreshPostgresDatabase(_ body: @Sendable (String) async throws -> Void) async throws {
    let url = try #require(
        ProcessInfo.processInfo.environment["LOGSMITH_TEST_DATABASE_URL"],
        "set LOGSMITH_TEST_DATABASE_URL to a PostgreSQL database (scripts/test does)")
    try await withFreshPostgresDatabase(on: url, body)
}

/// Seconds in a day, for records placed days before ``baseTime``.
let secondsPerDay: Int64 = 86_400

/// Polls `condition` every millisecond for up to five seconds; fails with `failure` when it never holds.
func waitUntil(_ failure: Comment, _ condition: () async -> Bool) async throws {
    for poll in 0..<5000 {
        if await condition() { return }
        try #require(poll < 4999, failure)
        try await Task.sleep(for: .milliseconds(1))
    }
}

/// Two PostgreSQL stores, each with a pool of its own, on a fresh database of the test's own: two
/// processes (replicas) on one database, as far as the database can tell.
func withTwoPostgresPools(
    _ body: @Sendable (PostgresLogStore, PostgresLogStore) async throws -> Void
) async throws {
    try await withFreshPostgresDatabase { url in
        let (first, second) = (
            PostgresLogStore(configuration: try .init(url: url), logger: Logger(label: "test")),
            PostgresLogStore(configuration: try .init(url: url), logger: Logger(label: "test"))
        )
        try await running(first) {
            try await running(second) { try await body(first, second) }
        }
    }
}
