import Access
import Foundation
import HTTPTypes
import HummingbirdTesting
import LogModel
import Logging
import NIOCore
import Testing

@testable import App

/// Credentials, scopes, sessions and secure defaults.
@Suite("Authentication")
struct AuthTests {
    @Test("a fresh start writes one admin key file (0600); a second start writes none")
    func bootstrap_freshStart_writesOneKeyFile() async throws {
        try await withTemporaryDirectory { directory in
            var configuration = try testConfiguration(.sqlite, dataDirectory: directory)
            configuration.authEnabled = true
            let path = URL(fileURLWithPath: directory).appendingPathComponent("initial-admin-key").path
            let first = try await buildApplication(configuration, logger: Logger(label: "test"))
            let firstKey = try await first.boundedTest(.router) { client in
                let key = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .newlines)
                #expect(APIKeySecret.looksLikeKey(key))
                let me = try await client.send(.get, "/api/v1/auth/me", as: key)
                #expect(me.status == .ok)
                #expect(try me.json()["scopes"] as? [String] == ["ingest", "read", "admin"])
                return key
            }
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)

            let second = try await buildApplication(configuration, logger: Logger(label: "test"))
            try await second.boundedTest(.router) { client in
                let keys = try await client.send(.get, "/api/v1/admin/keys", as: firstKey).json()["keys"] as? [Any]
                #expect(keys?.count == 1)
            }
            #expect(try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .newlines) == firstKey)
            let files = try FileManager.default.contentsOfDirectory(atPath: directory)
            #expect(files.filter { $0.hasPrefix("initial-admin-key") } == ["initial-admin-key"])
        }
    }

    @Test("LOGSMITH_AUTH=off is refused on a non-loopback address")
    func authOff_nonLoopback_refused() async throws {
        try await withTemporaryDirectory { directory in
            var configuration = try testConfiguration(.sqlite, dataDirectory: directory)
            configuration.host = "0.0.0.0"
            await #expect(throws: ConfigurationError.self) {
                _ = try await buildApplication(configuration, logger: Logger(label: "test"))
            }
            configuration.host = "127.0.0.1"
            try configuration.validate()
        }
    }

    @Test("missing, unknown and malformed credentials are 401 problems that reveal nothing")
    func missingOrBadCredentials_401() async throws {
        try await withAuthApp { client, _, _ in
            let unknownKey = APIKeySecret.make(tenant: "default", name: "x", scopes: [.read], at: .now()).secret
            for credential in [nil, unknownKey, "lsk_short", "not-a-token", "a.b.c"] {
                let response = try await client.send(.get, "/api/v1/logs", as: credential)
                #expect(response.status == .unauthorized)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(response.headers[.wwwAuthenticate]?.contains("Bearer") == true)
                #expect(
                    try response.json()["detail"] as? String
                        == "missing or invalid credentials: send an API key or a session token")
            }
            let basicWrong = try await client.execute(
                uri: "/api/v1/logs", method: .get, headers: [.authorization: "Basic bm90OmdpdmVu"])
            #expect(basicWrong.status == .unauthorized)
        }
    }

    @Test("keys work as Bearer, X-API-Key and Basic password")
    func keys_allThreeSchemes_authenticate() async throws {
        try await withAuthApp { client, admin, _ in
            let basic = Data("shipper:\(admin)".utf8).base64EncodedString()
            for headers: HTTPFields in [
                [.authorization: "Bearer \(admin)"], [.xAPIKey: admin], [.authorization: "Basic \(basic)"],
            ] {
                let response = try await client.execute(uri: "/api/v1/logs", method: .get, headers: headers)
                #expect(response.status == .ok)
            }
        }
    }

    @Test("each scope opens exactly its routes; the rest answer 403")
    func scopeMatrix() async throws {
        try await withAuthApp { client, admin, _ in
            _ = try await client.send(
                .post, "/api/v1/logs", as: admin, json: #"{"message": "seed", "correlation_id": "corr-seed"}"#)
            let seeded = try await client.send(.get, "/api/v1/logs", as: admin).json()["logs"] as? [[String: Any]]
            let id = try #require(seeded?.first?["id"] as? String)
            var counter = 0
            let routes: [(Scope, HTTPRequest.Method, () -> String, String?)] = [
                (.ingest, .post, { "/api/v1/logs" }, #"{"message": "m"}"#),
                (.read, .get, { "/api/v1/logs?q=seed" }, nil),
                (.read, .get, { "/api/v1/logs/\(id)" }, nil),
                (.read, .get, { "/api/v1/correlations/corr-seed" }, nil),
                (.admin, .get, { "/api/v1/admin/keys" }, nil),
                (.admin, .get, { "/api/v1/admin/users" }, nil),
                (.admin, .delete, { "/api/v1/admin/logs?q=nothing-matches" }, nil),
            ]
            for scope in Scope.allCases {
                let key = try await client.createKey(as: admin, scopes: [scope.rawValue]).key
                for (required, method, uri, body) in routes {
                    counter += 1
                    let status = try await client.send(method, uri(), as: key, json: body).status
                    if required == scope {
                        #expect(status.kind == .successful, "\(scope) on \(method) \(uri()) gave \(status)")
                    } else {
                        #expect(status == .forbidden, "\(scope) on \(method) \(uri()) gave \(status)")
                    }
                }
            }
            #expect(counter == 21)
        }
    }

    @Test("a key can grant only the scopes its creator holds")
    func createKey_scopesBeyondCreator_403() async throws {
        try await withAuthApp { client, admin, _ in
            let adminOnly = try await client.createKey(as: admin, scopes: ["admin"]).key
            for scopes in [#"["read"]"#, #"["admin", "ingest"]"#] {
                let response = try await client.send(
                    .post, "/api/v1/admin/keys", as: adminOnly, json: #"{"name": "escalate", "scopes": \#(scopes)}"#)
                #expect(response.status == .forbidden)
            }
            let same = try await client.send(
                .post, "/api/v1/admin/keys", as: adminOnly, json: #"{"name": "peer", "scopes": ["admin"]}"#)
            #expect(same.status == .created)
        }
    }

    @Test(
        "a password that bcrypt would cut short is refused",
        arguments: [
            "secret\u{0000}\u{0000}\u{0000}\u{0000}\u{0000}\u{0000}", String(repeating: "\u{0000}", count: 12),
            String(repeating: "p", count: 73), String(repeating: "é", count: 37), "short",
        ])
    func createUser_passwordBcryptCannotKeep_400(password: String) async throws {
        try await withAuthApp { client, admin, _ in
            let body = try JSONSerialization.data(withJSONObject: [
                "username": "pw", "password": password, "role": "viewer",
            ])
            let response = try await client.send(
                .post, "/api/v1/admin/users", as: admin, json: String(decoding: body, as: UTF8.self))
            #expect(response.status == .badRequest)
            #expect((try response.json()["errors"] as? [[String: Any]])?.first?["pointer"] as? String == "/password")
        }
    }

    @Test("a revoked key is refused")
    func revokedKey_401() async throws {
        try await withAuthApp { client, admin, _ in
            let (key, id) = try await client.createKey(as: admin, scopes: ["read"])
            #expect(try await client.send(.get, "/api/v1/logs", as: key).status == .ok)
            #expect(try await client.send(.delete, "/api/v1/admin/keys/\(id)", as: admin).status == .noContent)
            #expect(try await client.send(.get, "/api/v1/logs", as: key).status == .unauthorized)
            #expect(try await client.send(.delete, "/api/v1/admin/keys/\(id)", as: admin).status == .notFound)
        }
    }

    @Test(
        "usernames belong to a tenant: the same name in two tenants, one user per name in any case, login names the tenant"
    )
    func users_namedPerTenant() async throws {
        let password = "correct horse battery staple"
        try await withAuthApp { client, admin, _ in
            let tenants = [
                "t-\(UUID().uuidString.prefix(8).lowercased())", "t-\(UUID().uuidString.prefix(8).lowercased())",
            ]
            for (tenant, name) in zip(tenants, ["Shared", "shared"]) {
                let made = try await client.send(
                    .post, "/api/v1/admin/tenants", as: admin, json: #"{"name": "\#(tenant)"}"#)
                #expect(made.status == .created)
                let user = try await client.send(
                    .post, "/api/v1/admin/users?tenant=\(tenant)", as: admin,
                    json: #"{"username": "\#(name)", "password": "\#(password)", "role": "viewer"}"#)
                #expect(user.status == .created, "a name taken in another tenant is free in this one")
            }
            let again = try await client.send(
                .post, "/api/v1/admin/users?tenant=\(tenants[0])", as: admin,
                json: #"{"username": "SHARED", "password": "\#(password)", "role": "viewer"}"#)
            #expect(again.status == .conflict)

            for tenant in tenants {
                let login = try await client.send(
                    .post, "/api/v1/auth/login", as: nil,
                    json: #"{"tenant": "\#(tenant)", "username": "sHaReD", "password": "\#(password)"}"#)
                #expect(login.status == .ok)
                let token = try #require(try login.json()["token"] as? String)
                #expect(try await client.send(.get, "/api/v1/auth/me", as: token).json()["tenant"] as? String == tenant)
            }
            let withoutTenant = try await client.send(
                .post, "/api/v1/auth/login", as: nil, json: #"{"username": "shared", "password": "\#(password)"}"#)
            #expect(withoutTenant.status == .unauthorized, "without a tenant, login looks in the operator tenant")
        }
    }

    @Test("users log in for a session token; wrong, disabled, expired and tampered are refused")
    func sessions_lifecycle() async throws {
        let log = CapturedLog()
        let password = "correct horse battery staple"
        try await withAuthApp(log: log) { client, admin, _ in
            let created = try await client.send(
                .post, "/api/v1/admin/users", as: admin,
                json: #"{"username": "viewer1", "password": "\#(password)", "role": "viewer"}"#)
            #expect(created.status == .created)
            #expect(try created.json()["password_hash"] == nil)

            let login = try await client.send(
                .post, "/api/v1/auth/login", as: nil, json: #"{"username": "viewer1", "password": "\#(password)"}"#)
            #expect(login.status == .ok)
            let token = try #require(try login.json()["token"] as? String)
            let me = try await client.send(.get, "/api/v1/auth/me", as: token).json()
            #expect(me["actor"] as? String == "user:viewer1")
            #expect(me["scopes"] as? [String] == ["read"])
            #expect(try await client.send(.get, "/api/v1/logs", as: token).status == .ok)
            #expect(
                try await client.send(.post, "/api/v1/logs", as: token, json: #"{"message":"x"}"#).status == .forbidden)

            var tampered = Array(token)
            tampered[tampered.count - 3] = tampered[tampered.count - 3] == "A" ? "B" : "A"
            #expect(try await client.send(.get, "/api/v1/logs", as: String(tampered)).status == .unauthorized)
            let sessions = await SessionTokens(secret: testJWTSecret)
            let expired = try await sessions.issue(
                username: "viewer1", tenant: "default", role: .viewer, now: Date().addingTimeInterval(-7200))
            #expect(try await client.send(.get, "/api/v1/logs", as: expired).status == .unauthorized)
            let forged = try await SessionTokens(secret: "another-secret-of-at-least-32-characters-x").issue(
                username: "viewer1", tenant: "default", role: .admin)
            #expect(try await client.send(.get, "/api/v1/logs", as: forged).status == .unauthorized)

            let wrong = try await client.send(
                .post, "/api/v1/auth/login", as: nil, json: #"{"username": "viewer1", "password": "wrong password!!"}"#)
            let unknown = try await client.send(
                .post, "/api/v1/auth/login", as: nil, json: #"{"username": "nobody", "password": "wrong password!!"}"#)
            #expect(wrong.status == .unauthorized && unknown.status == .unauthorized)
            #expect(try wrong.json()["detail"] as? String == unknown.json()["detail"] as? String)

            #expect(try await client.send(.post, "/api/v1/admin/users/viewer1/disable", as: admin).status == .noContent)
            #expect(try await client.send(.get, "/api/v1/logs", as: token).status == .unauthorized)
            let afterDisable = try await client.send(
                .post, "/api/v1/auth/login", as: nil, json: #"{"username": "viewer1", "password": "\#(password)"}"#)
            #expect(afterDisable.status == .unauthorized)

            for line in log.all {
                for secret in [admin, password, token] { #expect(!line.contains(secret)) }
            }
            #expect(log.all.contains { $0.contains("\"audit.action\":\"user.create\"") })
        }
    }

    @Test("login attempts are limited per user")
    func login_tooManyAttempts_429() async throws {
        try await withAuthApp { client, _, _ in
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<11 {
                statuses.append(
                    try await client.send(
                        .post, "/api/v1/auth/login", as: nil,
                        json: #"{"username": "target", "password": "guess guess guess"}"#
                    ).status)
            }
            #expect(statuses.prefix(10).allSatisfy { $0 == .unauthorized })
            #expect(statuses.last == .tooManyRequests)
        }
    }

    @Test(
        "behind a trusted proxy, login limits count per forwarded address, and one address cannot lock a user out",
        arguments: [true, false])
    func login_perForwardedAddress(trusted: Bool) async throws {
        try await withAuthApp(testing: .live, configure: { $0.trustedProxies = trusted ? ["127.0.0.1", "::1"] : [] }) {
            client, admin, _ in
            let password = "correct horse battery staple"
            let created = try await client.send(
                .post, "/api/v1/admin/users", as: admin,
                json: #"{"username": "target", "password": "\#(password)", "role": "viewer"}"#)
            #expect(created.status == .created)
            func login(from address: String, _ password: String) async throws -> HTTPResponse.Status {
                try await client.execute(
                    uri: "/api/v1/auth/login", method: .post,
                    headers: [.contentType: "application/json", .xForwardedFor: "\(address), 127.0.0.1"],
                    body: ByteBuffer(string: #"{"username": "target", "password": "\#(password)"}"#)
                ).status
            }
            for _ in 0..<10 { #expect(try await login(from: "192.0.2.1", "wrong password!!") == .unauthorized) }
            #expect(try await login(from: "192.0.2.1", password) == .tooManyRequests)
            #expect(try await login(from: "192.0.2.2", password) == (trusted ? .ok : .tooManyRequests))
        }
    }

    @Test("only hashes are stored: no key or password appears in the database files")
    func storage_keepsOnlyHashes() async throws {
        let password = "a long enough password"
        try await withAuthApp { client, admin, directory in
            let (key, _) = try await client.createKey(as: admin, scopes: ["ingest"])
            _ = try await client.send(
                .post, "/api/v1/admin/users", as: admin,
                json: #"{"username": "admin2", "password": "\#(password)", "role": "admin"}"#)
            let listed = try await client.send(.get, "/api/v1/admin/keys", as: admin)
            let listing = String(buffer: listed.body)
            #expect(!listing.contains(key) && !listing.contains(APIKeySecret.hash(key)))
            for file in try FileManager.default.contentsOfDirectory(atPath: directory)
            where file.hasPrefix("logsmith.sqlite") {
                let bytes = try Data(contentsOf: URL(fileURLWithPath: directory).appendingPathComponent(file))
                for secret in [key, admin, password] {
                    #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(file) holds a secret")
                }
            }
        }
    }
}
