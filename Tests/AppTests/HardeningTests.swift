import Foundation
import HTTPTypes
import HummingbirdTesting
import LogModel
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import App

/// Requests that once crashed the service, created tables, answered client mistakes as outages or
/// were silently misread: each now gets a clear answer.
@Suite("Hardening")
struct HardeningTests {
    @Test(
        "a query nested past the limit is a 400 naming the limit, on both stores",
        arguments: StoreKind.allCases,
        [
            String(repeating: "(", count: 2000) + "a" + String(repeating: ")", count: 2000),
            String(repeating: "-", count: 5000) + "a",
        ])
    func search_deepQuery_400(kind: StoreKind, query: String) async throws {
        try await withApp(kind) { client in
            for route in ["/api/v1/logs", "/api/v1/stats"] {
                let response = try await client.get("\(route)?q=\(encoded(query))")
                #expect(response.status == .badRequest)
                let detail = try response.json()["detail"] as? String ?? ""
                #expect(detail.contains("(the limit)"), "\(detail)")
            }
            #expect(try await client.get("/health").status == .ok)
        }
    }

    @Test(
        "records dated before the retention or past the future allowance are rejected by reason",
        arguments: StoreKind.allCases)
    func ingest_outsideWindow_rejectedPerItem(kind: StoreKind) async throws {
        // On the shared test database, the retention job of two days, due a minute after start, would
        // delete the other suites' records: a slow run of this test once emptied a range that another
        // was counting.
        try await withOwnDatabase(kind) { url in
            try await withApp(
                kind,
                configure: {
                    $0.retentionDays = 2
                    $0.maxFutureMinutes = 10
                    if let url { $0.databaseURL = url }
                }
            ) { client in
                let word = "window\(UUID().uuidString.prefix(8).lowercased())"
                let now = Timestamp.now()
                let day: Int64 = 86_400_000_000
                let stamps = [
                    now.adding(microseconds: -3 * day), now.adding(microseconds: -day),
                    now.adding(microseconds: 5 * 60_000_000),
                    now.adding(microseconds: 20 * 60_000_000),
                ]
                let body =
                    "["
                    + stamps.enumerated().map {
                        #"{"message": "\#(word) \#($0.offset)", "timestamp": "\#($0.element.rfc3339)"}"#
                    }
                    .joined(separator: ",") + #", {"message": "far", "timestamp": "9999-12-31T23:59:59Z"}]"#
                let response = try await client.ingest(body)
                #expect(response.status == .ok)
                let json = try response.json()
                #expect(json["accepted"] as? Int == 2)
                let rejected = try #require(json["rejected"] as? [[String: Any]])
                #expect(rejected.map { $0["index"] as? Int } == [0, 3, 4])
                #expect(
                    rejected.map { $0["code"] as? String } == ["too_old", "too_far_in_future", "too_far_in_future"])

                let found = try await client.get("/api/v1/logs?q=\(word)").json()["logs"] as? [[String: Any]]
                #expect(found?.map { $0["message"] as? String } == ["\(word) 1"], "a search without end stops at now")
                let ahead = try await client.get("/api/v1/logs?q=\(word)&end=now-0s").json()["logs"] as? [Any]
                #expect(ahead?.count == 1)
                let later = now.adding(microseconds: 3_600_000_000).rfc3339
                let all = try await client.get("/api/v1/logs?q=\(word)&end=\(encoded(later))").json()["logs"] as? [Any]
                #expect(all?.count == 2)
            }
        }
    }

    @Test(
        "times and cursors outside the years 1 to 9999 are a 400, not a storage outage",
        arguments: StoreKind.allCases,
        [
            "start=now-1000000w", "start=now-9223372036854775807w", "end=now-99999999999999s",
            "cursor=" + Base64URL.encode(Data("-9000000000000000000:0190c0de-0000-7000-8000-000000000000".utf8)),
        ])
    func search_timeOutOfRange_400(kind: StoreKind, parameter: String) async throws {
        try await withApp(kind) { client in
            let response = try await client.get("/api/v1/logs?\(parameter)")
            #expect(response.status == .badRequest)
            #expect(response.headers[.contentType] == "application/problem+json")
        }
    }

    @Test("a deleted record is gone from a cached search at once", arguments: StoreKind.allCases)
    func delete_invalidatesCache(kind: StoreKind) async throws {
        let word = "deletecache\(UUID().uuidString.prefix(8).lowercased())"
        try await withApp(kind, configure: { $0.cacheWriteWindowMilliseconds = 50 }) { client in
            #expect(
                try await client.ingest(#"[{"message": "\#(word) one"}, {"message": "\#(word) two"}]"#).status == .ok)
            try await Task.sleep(for: .milliseconds(100))
            let query = "/api/v1/logs?q=\(word)"
            let logs = try #require(try await client.get(query).json()["logs"] as? [[String: Any]])
            _ = try await client.get(query)
            #expect(try await client.cacheStats()["hits"] as? Int ?? 0 >= 1)

            let id = try #require(logs.first?["id"] as? String)
            #expect(try await client.execute(uri: "/api/v1/admin/logs/\(id)", method: .delete).status == .noContent)
            #expect((try await client.get(query).json()["logs"] as? [Any])?.count == 1)

            try await Task.sleep(for: .milliseconds(100))
            _ = try await client.get(query)
            let deleted = try await client.execute(uri: "/api/v1/admin/logs?q=\(word)", method: .delete)
            #expect(try deleted.json()["deleted"] as? Int == 1)
            #expect((try await client.get(query).json()["logs"] as? [Any])?.count == 0)
        }
    }

    @Test(
        "a delete by query that would match everything by accident is refused",
        arguments: ["q=+", "q=%20%20", "q=**", "q=%ZZ", "q="])
    func deleteByQuery_blankQuery_400(parameter: String) async throws {
        try await withApp { client in
            #expect(try await client.ingest(#"{"message": "keep me"}"#).status == .ok)
            let response = try await client.execute(uri: "/api/v1/admin/logs?\(parameter)", method: .delete)
            #expect(response.status == .badRequest)
            #expect(try response.json()["errors"] as? [[String: Any]] != nil)
            #expect((try await client.get("/api/v1/logs").json()["logs"] as? [Any])?.count == 1)
        }
    }

    @Test(
        "an unknown or badly encoded query parameter is a 400 naming it",
        arguments: [
            ("/api/v1/stats?by=service,level", "by"), ("/api/v1/logs?q=a&limt=5", "limt"), ("/health?x=1", "x"),
            ("/api/v1/logs?q=%E0%A4", "q"), ("/api/v1/logs/0190c0de-0000-7000-8000-000000000000?verbose", "verbose"),
        ])
    func unknownParameter_400(uri: String, name: String) async throws {
        try await withApp { client in
            let response = try await client.get(uri)
            #expect(response.status == .badRequest)
            let errors = try #require(try response.json()["errors"] as? [[String: Any]])
            #expect(errors.first?["parameter"] as? String == name)
        }
    }

    @Test("attributes nested too deep or with too many keys are rejected; what is accepted reads back")
    func ingest_attributeShape_bounded() async throws {
        try await withApp { client in
            func nested(_ depth: Int) -> String {
                String(repeating: #"{"k":"#, count: depth) + "1" + String(repeating: "}", count: depth)
            }
            let manyKeys = "{" + (0..<300).map { #""k\#($0)": 1"# }.joined(separator: ",") + "}"
            let body = """
                [{"message": "deep ok", "a": \(nested(16))}, {"message": "too deep", "a": \(nested(17))},
                 {"message": "too many", "a": \(manyKeys)},
                 {"message": "kept", "tenant": "other", "id": "x", "observed_at": "then"}]
                """
            let response = try await client.ingest(body)
            let json = try response.json()
            #expect(json["accepted"] as? Int == 2)
            let reasons = (json["rejected"] as? [[String: Any]])?.map { $0["reason"] as? String ?? "" }
            #expect(
                reasons == [
                    "a: nests deeper than 16 levels", "attributes: has more than 256 keys, nested ones included",
                ])
            let page = try await client.get("/api/v1/logs")
            #expect(page.status == .ok)
            let logs = try #require(try page.json()["logs"] as? [[String: Any]])
            let kept = try #require(logs.first { $0["message"] as? String == "kept" })
            let attributes = kept["attributes"] as? [String: String]
            #expect(attributes == ["tenant": "other", "id": "x", "observed_at": "then"])
            #expect(kept["tenant"] as? String != "other")
        }
    }

    @Test("the data directory and the SQLite database in it are readable by their owner only")
    func sqliteFile_mode0600() async throws {
        try await withTemporaryDirectory { parent in
            let directory = URL(fileURLWithPath: parent).appendingPathComponent("data").path
            var configuration = try testConfiguration(.sqlite, dataDirectory: directory)
            configuration.authEnabled = true
            let app = try await buildApplication(configuration, logger: quietLogger)
            try await app.boundedTest(.router) { _ in
                let files = FileManager.default
                let path = URL(fileURLWithPath: directory).appendingPathComponent("logsmith.sqlite").path
                let fileMode = try files.attributesOfItem(atPath: path)[.posixPermissions] as? Int
                let directoryMode = try files.attributesOfItem(atPath: directory)[.posixPermissions] as? Int
                #expect(fileMode == 0o600)
                #expect(directoryMode == 0o700)
            }
        }
    }

    @Test("a JSON array with more items than the limit is refused at the first item over it")
    func ingest_hugeArray_413() async throws {
        try await withApp(configure: { $0.maxRecordsPerRequest = 100 }) { client in
            let body = "[" + Array(repeating: "0", count: 1_000_000).joined(separator: ",") + "]"
            let response = try await client.ingest(body)
            #expect(response.status == .contentTooLarge)
            #expect(try response.json()["detail"] as? String == "more than 100 records in one request")
            let split = try await client.ingest(#"[{"message": "one"}, {"message": "two"}]"#)
            #expect(try split.json()["accepted"] as? Int == 2)
        }
    }

    @Test("with every thread of NIO's shared pool busy, ingest, search and login on SQLite still answer")
    func sqlite_sharedPoolBusy_stillAnswers() async throws {
        try await withAuthApp { client, admin, _ in
            let created = try await client.send(
                .post, "/api/v1/admin/users", as: admin,
                json: #"{"username": "busy", "password": "a long passphrase", "role": "viewer"}"#)
            #expect(created.status == .created)
            let release = DispatchSemaphore(value: 0)
            let threads = NIOThreadPool.singleton.numberOfThreads
            let blocked = BlockedThreads()
            let blockers = (0..<threads).map { _ in
                Task {
                    try await NIOThreadPool.singleton.runIfActive {
                        blocked.count.withLock { $0 += 1 }
                        release.wait()
                    }
                }
            }
            while blocked.count.withLock({ $0 }) < threads { try await Task.sleep(for: .milliseconds(1)) }
            defer {
                for _ in 0..<threads { release.signal() }
            }
            let answered = try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    let ingest = try await client.send(.post, "/api/v1/logs", as: admin, json: #"{"message": "busy"}"#)
                    let search = try await client.send(.get, "/api/v1/logs?q=busy", as: admin)
                    let login = try await client.send(
                        .post, "/api/v1/auth/login", as: nil,
                        json: #"{"username": "busy", "password": "a long passphrase"}"#)
                    return ingest.status == .ok && search.status == .ok && login.status == .ok
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(20))
                    for _ in 0..<threads { release.signal() }
                    return false
                }
                defer { group.cancelAll() }
                return try await group.next() ?? false
            }
            #expect(answered, "a request waited for NIO's shared thread pool")
            for _ in 0..<threads { release.signal() }
            for blocker in blockers { _ = try await blocker.value }
        }
    }

    @Test("the cache's statistics are for operators only, under the per-address read limit")
    func cacheStats_operatorsOnly() async throws {
        try await withAuthApp(configure: { $0.searchRequestsPerSecond = 1 }) { client, admin, _ in
            let created = try await client.send(.post, "/api/v1/admin/tenants", as: admin, json: #"{"name": "shop"}"#)
            #expect(created.status == .created)
            let reader = try await client.createKey(as: admin, scopes: ["read"]).key
            let tenantAdmin = try await client.createKey(as: admin, scopes: ["admin"], tenant: "shop").key
            #expect(try await client.send(.get, "/api/v1/cache/stats", as: reader).status == .forbidden)
            #expect(try await client.send(.get, "/api/v1/cache/stats", as: tenantAdmin).status == .forbidden)
            #expect(try await client.send(.get, "/api/v1/cache/stats", as: admin).status == .ok)
            #expect(try await client.send(.get, "/api/v1/cache/stats", as: admin).status == .tooManyRequests)
        }
    }

    @Test("answers write '/' as it is, not as '\\/': pages, single records and stories alike")
    func answers_keepSlashes() async throws {
        try await withApp(.sqlite) { client in
            let path = "/api/v1/orders/\(UUID().uuidString.prefix(8))"
            let ingested = try await client.ingest(
                #"{"message": "GET \#(path) failed", "correlation_id": "slash-\#(path.suffix(8))", "url": "http://x\#(path)"}"#
            )
            #expect(ingested.status == .ok)
            let page = try await client.get("/api/v1/logs?q=\(encoded("\"\(path)\""))")
            let pageText = String(buffer: page.body)
            #expect(pageText.contains("GET \(path) failed") && !pageText.contains("\\/"))
            let id = try #require((try page.json()["logs"] as? [[String: Any]])?.first?["id"] as? String)
            for uri in ["/api/v1/logs/\(id)", "/api/v1/correlations/slash-\(path.suffix(8))"] {
                let text = String(buffer: try await client.get(uri).body)
                #expect(text.contains("http://x\(path)") && !text.contains("\\/"), "\(uri)")
            }
        }
    }

    @Test("/metrics, which names tenants, answers only to the metrics token, kept in a private file")
    func metrics_requireTheirToken() async throws {
        let log = CapturedLog()
        try await withAuthApp(log: log) { client, admin, directory in
            _ = try await client.send(.post, "/api/v1/logs", as: admin, json: #"{"message": "counted"}"#)
            let path = URL(fileURLWithPath: directory).appendingPathComponent("metrics-token").path
            let token = try String(contentsOfFile: path, encoding: .utf8)
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            for credential in [nil, admin, "not-the-token", token + "x"] {
                let refused = try await client.send(.get, "/metrics", as: credential)
                #expect(refused.status == .unauthorized)
                #expect(refused.headers[.wwwAuthenticate] == #"Bearer realm="metrics""#)
                #expect(!String(buffer: refused.body).contains("logsmith_ingest"))
            }
            let scraped = try await client.send(.get, "/metrics", as: token)
            #expect(scraped.status == .ok)
            #expect(String(buffer: scraped.body).contains(#"tenant="default""#))
            #expect(log.all.allSatisfy { !$0.contains(token) }, "the metrics token appeared in the log")
        }
        let configured = String(repeating: "m", count: 32)
        try await withAuthApp(configure: { $0.metricsToken = configured }) { client, _, directory in
            let scraped = try await client.send(.get, "/metrics", as: configured)
            #expect(scraped.status == .ok)
            let file = URL(fileURLWithPath: directory).appendingPathComponent("metrics-token").path
            #expect(!FileManager.default.fileExists(atPath: file))
        }
    }
}

/// How many threads of a pool a test has taken.
private final class BlockedThreads: Sendable {
    let count = Mutex(0)
}
