import Access
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ingestion
import Logging
import NIOCore
import Retention
import Stores
import Tailing
import Telemetry
import Testing

@testable import App

/// `api/openapi.json` is true to the router: the same routes, served as they are in the file.
@Suite("OpenAPI document")
struct OpenAPITests {
    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    private static func document() throws -> [String: Any] {
        let data = try Data(contentsOf: root.appendingPathComponent("api/openapi.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test("every registered route is in the document, and every route in the document is registered")
    func routes_matchTheDocument() async throws {
        try await withTemporaryDirectory { directory in
            let configuration = try testConfiguration(.sqlite, dataDirectory: directory)
            let store = try await SQLiteLogStore.open(directory: directory, logger: quietLogger)
            let observability = Observability.local()
            let cache = SearchCache(
                cache: nil, ttl: .seconds(30), writeWindow: .seconds(1), metrics: observability.metrics,
                degradation: DegradationReporter(
                    dependency: "redis", metrics: observability.metrics, logger: quietLogger))
            // The store's service closes its connections when the group is cancelled.
            let router = await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await store.run() }
                defer { group.cancelAll() }
                return buildRouter(
                    configuration, store: store, credentials: store.credentials, alerts: store.alerts,
                    dependencies: Dependencies(
                        limiter: InProcessRateLimiter(clock: ContinuousClock()), cache: cache, redis: nil),
                    sessions: await SessionTokens(secret: testJWTSecret), observability: observability,
                    writer: GroupCommitWriter(
                        store: store,
                        configuration: .init(maxBatchRecords: 10, maxQueuedRecords: 10, maxConcurrentFlushes: 1),
                        clock: ContinuousClock(), observability: observability),
                    retentions: TenantRetentions(
                        credentials: store.credentials, defaultDays: 30, implicitTenant: "default"),
                    tails: TailHub(store: store, logger: quietLogger)
                )
            }
            let registered = Set(router.routes.map { "\($0.method.rawValue) \($0.path)" })
            let paths = try #require(try Self.document()["paths"] as? [String: [String: Any]])
            let documented = Set(
                paths.flatMap { path, operations in operations.keys.map { "\($0.uppercased()) \(path)" } })
            #expect(registered.subtracting(documented).isEmpty, "not documented: \(registered.subtracting(documented))")
            #expect(documented.subtracting(registered).isEmpty, "not registered: \(documented.subtracting(registered))")
            #expect(registered.count > 20)
        }
    }

    @Test("/openapi.json is api/openapi.json byte for byte, open to anyone")
    func document_servedAsIs() async throws {
        let file = try String(contentsOf: Self.root.appendingPathComponent("api/openapi.json"), encoding: .utf8)
        #expect(OpenAPIDocument.json == file, "run scripts/embed-openapi after editing api/openapi.json")
        try await withAuthApp { client, _, _ in
            let response = try await client.send(.get, "/openapi.json", as: nil)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            #expect(String(buffer: response.body) == file)
        }
        #expect(try Self.document()["openapi"] as? String == "3.1.0")
    }
}
