import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TestSupport
import Testing

/// Citus distributes the tenant's tables by `tenant`: a statement on them without the tenant's
/// predicate would go to every shard. The real binary, exporting its spans to the fake collector,
/// serves every kind of read and write over PostgreSQL and evaluates an alert rule; every
/// statement it sends to those tables names the tenant.
@Suite("Tenant predicates (Citus)")
struct TenantPredicateTests {
    /// The tables distributed by tenant in the README's Citus layout.
    static let distributedTables = [
        "logs", "log_counts", "endpoint_latency", "pattern_counts", "patterns", "pattern_merges", "attribute_keys",
    ]

    /// The retention job's storage-wide pass, which forgets the days past the longest retention of
    /// any tenant in every shard at once (a multi-shard delete Citus runs as it is).
    static let storageWide: Set<String> = ["DELETE FROM attribute_keys WHERE day < $1"]

    /// The requests: each kind of ingest, search, story, analytics, pattern and deletion.
    static func exercise(_ http: TestClient) async throws {
        let now = Int(Date().timeIntervalSince1970)
        let records = (0..<40).map { index in
            """
            {"message": "DB timeout after \(100 + index) ms on pool \(index % 3)", "service": "svc-\(index % 4)", \
            "level": "\(index % 5 == 0 ? "error" : "info")", "timestamp": \(now - index * 30), \
            "correlation_id": "corr-\(index % 2)", "trace_id": "4bf92f3577b34da6a3ce929d0e0e47\(10 + index % 2)", \
            "attributes": {"user_id": \(index), "http.method": "GET", "http.path": "/items/\(index)", \
            "http.status": \(index % 7 == 0 ? 503 : 200), "duration_ms": \(index * 3)}}
            """
        }
        let ingest = try await http.execute(
            .init(
                "/api/v1/logs", method: .post, headers: [.contentType: "application/x-ndjson"],
                body: ByteBuffer(string: records.joined(separator: "\n"))))
        #expect(ingest.status == .ok)
        let searches = [
            "", "level:error", "service:svc-1", "service:svc-1 level:>=warn", "timeout", #""after 105 ms""#,
            "attributes.user_id:7", "status>=500", "trace_id:4bf92f3577b34da6a3ce929d0e0e4710", "items/1*",
            "-service:svc-2 OR level:error",
        ]
        var paths = searches.map { "/api/v1/logs?q=\(encoded($0))&start=now-1d" }
        paths += [
            "/api/v1/correlations/corr-1", "/api/v1/correlations/4bf92f3577b34da6a3ce929d0e0e4711",
            "/api/v1/stats", "/api/v1/stats?q=service:svc-1", "/api/v1/analytics/histogram?by=level&start=now-1d",
            "/api/v1/analytics/histogram?q=timeout&start=now-1d", "/api/v1/analytics/error-rate?start=now-1d",
            "/api/v1/analytics/endpoints?start=now-1d", "/api/v1/analytics/group-by?fields=service,level&start=now-1d",
            "/api/v1/analytics/compare?start=now-1h", "/api/v1/patterns?start=now-1d",
        ]
        for path in paths {
            let response = try await http.execute(.init(path, method: .get))
            #expect(response.status == .ok, "\(path)")
        }
        let page = try (try await http.execute(.init("/api/v1/logs?limit=1", method: .get)).body ?? ByteBuffer())
            .jsonObject()
        let id = try #require((page["logs"] as? [[String: Any]])?.first?["id"] as? String)
        #expect(try await http.execute(.init("/api/v1/logs/\(id)", method: .get)).status == .ok)
        let patterns = try
            (try await http.execute(.init("/api/v1/patterns?start=now-1d", method: .get)).body
            ?? ByteBuffer()).jsonObject()
        let pattern = try #require((patterns["patterns"] as? [[String: Any]])?.first?["id"] as? String)
        #expect(try await http.execute(.init("/api/v1/patterns/\(pattern)?start=now-1d", method: .get)).status == .ok)
        #expect(try await http.execute(.init("/api/v1/logs?q=pattern:\(pattern)", method: .get)).status == .ok)
        #expect(try await http.execute(.init("/api/v1/admin/logs/\(id)", method: .delete)).status == .noContent)
        let deleted = try await http.execute(.init("/api/v1/admin/logs?q=service:svc-3", method: .delete))
        #expect(deleted.status == .ok)
        let rule =
            #"{"name": "errors", "q": "level:error", "window": "1h", "condition": {"type": "count", "comparison": ">", "threshold": 1}}"#
        let created = try await http.execute(
            .init(
                "/api/v1/alerts/rules", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: rule)))
        #expect(created.status == .created)
    }

    @Test("every statement the API and the alert evaluation send to a table distributed by tenant names the tenant")
    func statements_nameTheTenant() async throws {
        try await withFreshPostgresDatabase(on: try testDatabaseURL()) { url in
            let collector = try FakeCollector()
            try await withTemporaryDirectory { directory in
                let server = try await ServerProcess(
                    dataDirectory: directory,
                    environment: [
                        "LOGSMITH_DATABASE_URL": url, "LOGSMITH_AUTH": "off", "LOGSMITH_LIMIT_SEARCH": "0",
                        "LOGSMITH_CACHE_TTL": "0", "OTEL_EXPORTER_OTLP_ENDPOINT": collector.endpoint,
                        "OTEL_BSP_SCHEDULE_DELAY": "100", "LOGSMITH_PATTERN_SYNC_SECONDS": "1",
                    ])
                defer { server.terminate() }
                try await TestClient.withClient(host: "127.0.0.1", port: server.port) { try await Self.exercise($0) }
                let received = try await collector.waitFor(timeout: .seconds(30)) { received in
                    received.spans.contains { $0.name == "alert.evaluate" }
                }
                #expect(received.spans.contains { $0.name == "alert.evaluate" }, "the rule was never evaluated")
                let statements = Set(received.spans.compactMap { $0.attribute("db.query.text") })
                let onDistributed = statements.filter { Self.references(Self.distributedTables, $0) }
                #expect(onDistributed.count >= 20, "only \(onDistributed.count) statements on the tables were seen")
                for statement in onDistributed
                where !Self.isSchemaChange(statement) && !Self.storageWide.contains(statement) {
                    #expect(Self.namesTenant(statement), "no tenant predicate: \(statement)")
                }
            }
        }
    }

    /// Whether the statement reads or writes one of the tables.
    static func references(_ tables: [String], _ sql: String) -> Bool {
        let words = Self.words(sql)
        return zip(words, words.dropFirst()).contains { verb, table in
            ["from", "join", "into", "update"].contains(verb) && tables.contains(table)
        }
    }

    /// Partitions created as records arrive: schema changes, not reads or writes of a tenant's rows.
    static func isSchemaChange(_ sql: String) -> Bool {
        ["create", "alter", "drop"].contains(Self.words(sql).first ?? "")
    }

    /// An insert names the tenant among its columns; any other statement compares `tenant`.
    static func namesTenant(_ sql: String) -> Bool {
        let words = Self.words(sql)
        if words.first == "insert" || words.first == "with" && words.contains("insert") {
            return words.contains("tenant")
        }
        return sql.range(of: #"\btenant\s*(=|IN\b)"#, options: [.regularExpression, .caseInsensitive]) != nil
    }

    private static func words(_ sql: String) -> [String] {
        sql.lowercased().split { !($0.isLetter || $0.isNumber || $0 == "_") }.map(String.init)
    }
}
