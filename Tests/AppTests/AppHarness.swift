import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import TestSupport
import Testing

@testable import App

/// The store behind the application under test.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgres

    var testDescription: String { rawValue }
}

/// The PostgreSQL URL of the test server started by `scripts/test`.
func testDatabaseURL() throws -> String {
    try #require(
        ProcessInfo.processInfo.environment["LOGSMITH_TEST_DATABASE_URL"],
        "set LOGSMITH_TEST_DATABASE_URL to a PostgreSQL database (scripts/test does)")
}

/// A configuration for a test: SQLite in a fresh temporary directory, or the test PostgreSQL;
/// authentication off (suites about authentication turn it on); records dated up to 100 years back
/// accepted, since tests write fixed dates (the time-window suite sets its own); a query budget of a
/// minute, so reads on a busy machine answer whole (the budget suites set their own).
func testConfiguration(_ kind: StoreKind, dataDirectory: String) throws -> AppConfiguration {
    var configuration = try AppConfiguration(environment: [:])
    configuration.port = 0
    configuration.dataDirectory = dataDirectory
    configuration.authEnabled = false
    configuration.retentionDays = 36_500
    configuration.bcryptCost = 4
    configuration.queryBudgetSeconds = 60
    if kind == .postgres { configuration.databaseURL = try testDatabaseURL() }
    return configuration
}

/// Runs `body` with a database of its own for `kind`: a fresh PostgreSQL database's URL, or nil for
/// SQLite, whose data directory is already the test's own. For an application whose retention would
/// delete other suites' records on the shared test database.
func withOwnDatabase(_ kind: StoreKind, _ body: (String?) async throws -> Void) async throws {
    guard kind == .postgres else { return try await body(nil) }
    try await withFreshPostgresDatabase(on: try testDatabaseURL()) { try await body($0) }
}

/// A fresh temporary directory, removed when `body` returns.
func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("logsmith-app-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    return try await body(directory.path)
}

/// A logger for tests that do not read the log: warnings and worse only, so the access log of
/// thousands of test requests does not bury the test output.
let quietLogger: Logger = {
    var logger = Logger(label: "test")
    logger.logLevel = .warning
    return logger
}()

/// Runs `body` against the application built by the composition root, over the router; rate limits
/// run on a clock that stands still, so they do not depend on the machine's speed.
func withApp(
    _ kind: StoreKind = .sqlite, configure: (inout AppConfiguration) -> Void = { _ in },
    logger: Logger = quietLogger,
    _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void
) async throws {
    try await withTemporaryDirectory { directory in
        var configuration = try testConfiguration(kind, dataDirectory: directory)
        configure(&configuration)
        let app = try await buildApplication(configuration, logger: logger, limiterClock: ManualClock())
        try await app.boundedTest(.router, body)
    }
}

/// Runs `body` against the application served on a loopback port, for tests that need real sockets.
func withLiveApp(
    _ kind: StoreKind = .sqlite, configure: (inout AppConfiguration) -> Void,
    _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void
) async throws {
    try await withTemporaryDirectory { directory in
        var configuration = try testConfiguration(kind, dataDirectory: directory)
        configure(&configuration)
        let app = try await buildApplication(configuration, logger: quietLogger)
        try await app.boundedTest(.live, body)
    }
}

extension ApplicationProtocol where Self: Sendable {
    /// Like `test(_:_:)`, with the application's teardown bounded in time (see
    /// ``withBoundedTeardown(of:limit:_:_:)``).
    func boundedTest<T: Sendable>(
        _ setup: TestingSetup, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> T
    ) async throws -> T {
        try await withBoundedTeardown(
            of: "an application's services", { test in try await self.test(setup, test) }, body)
    }
}

extension TestClientProtocol {
    /// POSTs a body to the ingest route with the given content type.
    func ingest(_ body: String, contentType: String = "application/json") async throws -> TestResponse {
        try await execute(
            uri: "/api/v1/logs", method: .post, headers: [.contentType: contentType], body: ByteBuffer(string: body))
    }

    /// GETs a URI.
    func get(_ uri: String) async throws -> TestResponse {
        try await execute(uri: uri, method: .get)
    }
}

extension TestResponse {
    /// The body parsed as a JSON object.
    func json() throws -> [String: Any] {
        try body.jsonObject()
    }
}

extension ByteBuffer {
    /// The bytes parsed as a JSON object.
    func jsonObject() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(readableBytesView)) as? [String: Any])
    }
}

/// Percent-encodes a query parameter value.
func encoded(_ value: String) -> String {
    value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value
}

/// Polls `condition` every 10 ms for up to `limit` (a notification takes milliseconds); records
/// `failure` when it never holds.
func waitFor(
    _ failure: Comment, within limit: Duration = .seconds(1), _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    Issue.record(failure)
}
