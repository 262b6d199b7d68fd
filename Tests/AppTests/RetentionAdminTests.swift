import Foundation
import HTTPTypes
import HummingbirdTesting
import LogModel
import Testing

@testable import App

/// Per-tenant retention through the admin API: operators set it, ingest honours it at once.
@Suite("Tenant retention")
struct RetentionAdminTests {
    @Test("an operator sets a tenant's retention, and ingest refuses records older than it from then on")
    func retention_setByOperator_boundsIngest() async throws {
        try await withAuthApp(configure: { $0.retentionDays = 30 }) { client, operatorKey, _ in
            let created = try await client.send(
                .post, "/api/v1/admin/tenants", as: operatorKey, json: #"{"name": "brief", "retention_days": 1}"#)
            #expect(created.status == .created)
            let createdBody = try created.json()
            #expect(createdBody["retention_days"] as? Int == 1)
            #expect(createdBody["effective_retention_days"] as? Int == 1)
            let key = try await client.createKey(as: operatorKey, scopes: ["ingest"], tenant: "brief").key
            let twoDaysAgo = Timestamp.now().adding(microseconds: -2 * 86_400_000_000).rfc3339
            let record = #"{"message": "two days old", "timestamp": "\#(twoDaysAgo)"}"#

            let refused = try await client.send(.post, "/api/v1/logs", as: key, json: record)
            #expect(refused.status == .badRequest)
            #expect(try refused.json()["errors"].map { "\($0)" }?.contains("too_old") == true)

            let changed = try await client.send(
                .patch, "/api/v1/admin/tenants/brief", as: operatorKey, json: #"{"retention_days": 7}"#)
            #expect(changed.status == .ok)
            #expect(try changed.json()["retention_days"] as? Int == 7)
            let accepted = try await client.send(.post, "/api/v1/logs", as: key, json: record)
            #expect(try accepted.json()["accepted"] as? Int == 1)

            let reset = try await client.send(
                .patch, "/api/v1/admin/tenants/brief", as: operatorKey, json: #"{"retention_days": null}"#)
            let resetBody = try reset.json()
            #expect(resetBody["retention_days"] == nil)
            #expect(resetBody["effective_retention_days"] as? Int == 30)
            let listed = try await client.send(.get, "/api/v1/admin/tenants", as: operatorKey).json()
            let brief = (listed["tenants"] as? [[String: Any]])?.first { $0["name"] as? String == "brief" }
            #expect(brief?["effective_retention_days"] as? Int == 30)
        }
    }

    @Test("retention changes are checked: range, presence, tenant, and operators only")
    func retention_badChanges_refused() async throws {
        try await withAuthApp { client, operatorKey, _ in
            _ = try await client.send(.post, "/api/v1/admin/tenants", as: operatorKey, json: #"{"name": "other"}"#)
            for body in [#"{"retention_days": 0}"#, #"{"retention_days": 36501}"#, #"{"retention_days": "7"}"#, "{}"] {
                let response = try await client.send(.patch, "/api/v1/admin/tenants/other", as: operatorKey, json: body)
                #expect(response.status == .badRequest, "\(body)")
                #expect(try response.json()["detail"].map { "\($0)" }?.hasPrefix("/retention_days") == true, "\(body)")
            }
            let created = try await client.send(
                .post, "/api/v1/admin/tenants", as: operatorKey, json: #"{"name": "x", "retention_days": -1}"#)
            #expect(created.status == .badRequest)
            let missing = try await client.send(
                .patch, "/api/v1/admin/tenants/nobody", as: operatorKey, json: #"{"retention_days": 3}"#)
            #expect(missing.status == .notFound)
            let otherAdmin = try await client.createKey(as: operatorKey, scopes: ["admin"], tenant: "other").key
            let forbidden = try await client.send(
                .patch, "/api/v1/admin/tenants/other", as: otherAdmin, json: #"{"retention_days": 3}"#)
            #expect(forbidden.status == .forbidden)
        }
    }
}
