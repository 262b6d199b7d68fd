import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import App

/// Tenant A's credentials never see or change tenant B's records, through any endpoint that reads,
/// writes or deletes logs, including by guessed ids, correlation ids and cursors.
@Suite("Tenant isolation")
struct TenantIsolationTests {
    /// Two tenants with an admin key each and a few records each sharing one correlation id.
    struct Tenants {
        var keyA: String
        var keyB: String
        var idOfB: String
    }

    func setUp(_ client: some TestClientProtocol, operatorKey: String) async throws -> Tenants {
        for name in ["tenant-a", "tenant-b"] {
            let created = try await client.send(
                .post, "/api/v1/admin/tenants", as: operatorKey, json: #"{"name": "\#(name)"}"#)
            #expect(created.status == .created)
        }
        let keyA = try await client.createKey(as: operatorKey, scopes: ["ingest", "read", "admin"], tenant: "tenant-a")
            .key
        let keyB = try await client.createKey(as: operatorKey, scopes: ["ingest", "read", "admin"], tenant: "tenant-b")
            .key
        for (key, owner) in [(keyA, "a"), (keyB, "b")] {
            let records = (0..<5).map {
                #"{"message": "record \#($0) of \#(owner)", "correlation_id": "shared", "trace_id": "trace-shared", "timestamp": \#(1_764_324_000 + $0)}"#
            }
            let ingested = try await client.send(
                .post, "/api/v1/logs", as: key, json: "[" + records.joined(separator: ",") + "]")
            #expect(try ingested.json()["accepted"] as? Int == 5)
        }
        let pageOfB = try await client.send(.get, "/api/v1/logs", as: keyB).json()["logs"] as? [[String: Any]]
        return Tenants(keyA: keyA, keyB: keyB, idOfB: try #require(pageOfB?.first?["id"] as? String))
    }

    func messages(_ response: TestResponse) throws -> [String] {
        (try response.json()["logs"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
    }

    @Test("search, get, correlations and cursors stay inside the tenant")
    func reads_neverCrossTenants() async throws {
        try await withAuthApp { client, operatorKey, _ in
            let tenants = try await setUp(client, operatorKey: operatorKey)
            let all = try messages(try await client.send(.get, "/api/v1/logs?q=record", as: tenants.keyA))
            #expect(all.count == 5 && all.allSatisfy { $0.hasSuffix("of a") })
            #expect(try await client.send(.get, "/api/v1/logs/\(tenants.idOfB)", as: tenants.keyA).status == .notFound)
            for id in ["shared", "trace-shared"] {
                let story = try await client.send(.get, "/api/v1/correlations/\(id)", as: tenants.keyA)
                let logs = try story.json()["logs"] as? [[String: Any]]
                #expect(
                    logs?.count == 5
                        && logs?.allSatisfy { ($0["message"] as? String)?.hasSuffix("of a") == true } == true)
            }
            let firstPageOfB = try await client.send(.get, "/api/v1/logs?limit=2", as: tenants.keyB).json()
            let cursorOfB = try #require(firstPageOfB["next_cursor"] as? String)
            let continued = try messages(
                try await client.send(.get, "/api/v1/logs?cursor=\(cursorOfB)", as: tenants.keyA))
            #expect(continued.allSatisfy { $0.hasSuffix("of a") })
            // The operator tenant sees none of them either.
            #expect(try messages(try await client.send(.get, "/api/v1/logs", as: operatorKey)).isEmpty)
        }
    }

    @Test("deletes by id and by query stay inside the tenant")
    func deletes_neverCrossTenants() async throws {
        try await withAuthApp { client, operatorKey, _ in
            let tenants = try await setUp(client, operatorKey: operatorKey)
            #expect(
                try await client.send(.delete, "/api/v1/admin/logs/\(tenants.idOfB)", as: tenants.keyA).status
                    == .notFound)
            let deleted = try await client.send(.delete, "/api/v1/admin/logs?q=*", as: tenants.keyA).json()
            #expect(deleted["deleted"] as? Int == 5)
            #expect(try messages(try await client.send(.get, "/api/v1/logs", as: tenants.keyB)).count == 5)
            #expect(try await client.send(.get, "/api/v1/logs/\(tenants.idOfB)", as: tenants.keyB).status == .ok)
            #expect(
                try await client.send(.delete, "/api/v1/admin/logs/\(tenants.idOfB)", as: tenants.keyB).status
                    == .noContent)
        }
    }

    @Test("admins manage only their own tenant's keys and users")
    func admin_neverCrossesTenants() async throws {
        try await withAuthApp { client, operatorKey, _ in
            let tenants = try await setUp(client, operatorKey: operatorKey)
            let keysOfB =
                try await client.send(.get, "/api/v1/admin/keys", as: tenants.keyB).json()["keys"] as? [[String: Any]]
            let idOfKeyB = try #require(keysOfB?.first?["id"] as? String)
            #expect(
                try await client.send(.delete, "/api/v1/admin/keys/\(idOfKeyB)", as: tenants.keyA).status == .notFound)
            #expect(try await client.send(.get, "/api/v1/logs", as: tenants.keyB).status == .ok)
            let keysSeenByA =
                try await client.send(.get, "/api/v1/admin/keys", as: tenants.keyA).json()["keys"] as? [[String: Any]]
            #expect(keysSeenByA?.allSatisfy { $0["tenant"] as? String == "tenant-a" } == true)
            for uri in [
                "/api/v1/admin/keys?tenant=tenant-b", "/api/v1/admin/users?tenant=tenant-b", "/api/v1/admin/tenants",
                "/api/v1/admin/keys?tenant=no-such-tenant",
            ] {
                #expect(try await client.send(.get, uri, as: tenants.keyA).status == .forbidden, "\(uri)")
            }
            #expect(try await client.send(.get, "/api/v1/admin/keys?tenant=tenant-b", as: operatorKey).status == .ok)
            #expect(
                try await client.send(.get, "/api/v1/admin/keys?tenant=no-such-tenant", as: operatorKey).status
                    == .notFound)
        }
    }
}
