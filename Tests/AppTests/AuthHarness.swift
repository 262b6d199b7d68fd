import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization
import Telemetry
import TestSupport
import Testing

@testable import App

/// Every line the service logged during a test, to check that no secret ever reaches the log.
final class CapturedLog: Sendable {
    private let lines = Mutex<[String]>([])

    /// A logger that writes JSON lines here, at every level.
    func logger() -> Logger {
        Logger(label: "test") { label in
            JSONLogHandler(label: label, level: .trace, metadataProvider: .requestContext) { line in
                self.lines.withLock { $0.append(line) }
            }
        }
    }

    /// All lines so far.
    var all: [String] { lines.withLock { $0 } }
}

/// The signing secret auth tests configure, so they can make their own tokens.
let testJWTSecret = "test-signing-secret-of-at-least-32-characters"

/// Runs `body` against an application with authentication on over a fresh data directory, handing
/// it the initial admin key the first start wrote; afterwards checks that the key never reached the log.
func withAuthApp(
    _ kind: StoreKind = .sqlite, log: CapturedLog = CapturedLog(), testing: TestingSetup = .router,
    configure: (inout AppConfiguration) -> Void = { _ in },
    _ body:
        @escaping @Sendable (any TestClientProtocol, _ adminKey: String, _ dataDirectory: String) async throws -> Void
) async throws {
    try await withTemporaryDirectory { directory in
        var configuration = try testConfiguration(kind, dataDirectory: directory)
        configuration.authEnabled = true
        configuration.jwtSecret = testJWTSecret
        configure(&configuration)
        let app = try await buildApplication(configuration, logger: log.logger(), limiterClock: ManualClock())
        try await app.test(testing) { client in
            let keyPath = URL(fileURLWithPath: directory).appendingPathComponent("initial-admin-key").path
            let adminKey = try String(contentsOfFile: keyPath, encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            try await body(client, adminKey, directory)
            #expect(!log.all.isEmpty)
            #expect(log.all.allSatisfy { !$0.contains(adminKey) }, "the admin key appeared in the service log")
        }
    }
}

extension TestClientProtocol {
    /// Sends a request with `Authorization: Bearer <credential>`.
    func send(
        _ method: HTTPRequest.Method, _ uri: String, as credential: String?, json: String? = nil,
        contentType: String = "application/json"
    ) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let credential { headers[.authorization] = "Bearer \(credential)" }
        if json != nil { headers[.contentType] = contentType }
        return try await execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }

    /// Creates an API key through the admin API and returns the key and its id.
    func createKey(
        as admin: String, scopes: [String], tenant: String? = nil, name: String = "test"
    ) async throws -> (key: String, id: String) {
        let scopeList = scopes.map { "\"\($0)\"" }.joined(separator: ",")
        let uri = "/api/v1/admin/keys" + (tenant.map { "?tenant=\($0)" } ?? "")
        let response = try await send(.post, uri, as: admin, json: #"{"name": "\#(name)", "scopes": [\#(scopeList)]}"#)
        #expect(response.status == .created)
        let body = try response.json()
        return (try #require(body["key"] as? String), try #require(body["id"] as? String))
    }
}
