import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Stores
import TestSupport
import Testing

@testable import App

/// One tenant's slow reads hold only its own slots.
@Suite("Tenant read slots")
struct TenantReadSlotsTests {
    @Test(
        "PostgreSQL: with one read slot per tenant, a second read of a tenant whose read hangs gets a 429 within its budget; another tenant reads at once"
    )
    func slowTenant_holdsOnlyItsSlots() async throws {
        try await withFreshPostgresDatabase(on: try testDatabaseURL()) { url in
            try await withAuthApp(
                .postgres,
                configure: { ($0.databaseURL, $0.readConcurrencyPerTenant, $0.queryBudgetSeconds) = (url, 1, 60) }
            ) { client, admin, _ in
                let created = try await client.send(
                    .post, "/api/v1/admin/tenants", as: admin, json: #"{"name":"beta"}"#)
                #expect(created.status == .created)
                let alpha = try await client.createKey(as: admin, scopes: ["read", "ingest"]).key
                let beta = try await client.createKey(as: admin, scopes: ["read", "ingest"], tenant: "beta").key
                for (key, day) in [(alpha, "20"), (beta, "25")] {
                    let ingested = try await client.send(
                        .post, "/api/v1/logs", as: key,
                        json: #"{"message":"slot record","timestamp":"2026-03-\#(day)T12:00:00Z"}"#)
                    #expect(ingested.status == .ok)
                }
                let march = "start=2026-03-01T00:00:00Z&end=2026-04-01T00:00:00Z"
                let hanging = try await withLockedPartition(url: url, holding: "2026-03-20T12:00:00Z") { watcher in
                    let hanging = Task { try await client.send(.get, "/api/v1/logs?q=slot&\(march)", as: alpha) }
                    #expect(try await waitForLockWaiters(1, on: watcher), "the first read never reached the lock")

                    let second = try await client.send(.get, "/api/v1/logs?q=slot&\(march)&budget_ms=500", as: alpha)
                    #expect(second.status == .tooManyRequests)
                    #expect(String(buffer: second.body).contains("too-many-reads"))
                    #expect(second.headers[.retryAfter] == "1")

                    let other = try await client.send(
                        .get, "/api/v1/logs?q=slot&start=2026-03-25T00:00:00Z&end=2026-03-26T00:00:00Z", as: beta)
                    #expect(other.status == .ok)
                    #expect((try other.json()["logs"] as? [Any])?.count == 1, "\(String(buffer: other.body))")
                    return hanging
                }
                let first = try await hanging.value
                #expect(first.status == .ok)
                #expect((try first.json()["logs"] as? [Any])?.count == 1, "\(String(buffer: first.body))")
            }
        }
    }
}

/// The share of read time a tenant may take while others read.
@Suite("Tenant read share")
struct TenantReadShareTests {
    @Test("a tenant alone is never held back, however long its reads")
    func alone_neverHeldBack() async throws {
        let slots = TenantReadSlots(perTenant: 2)
        try await slots.withSlot("alone", budget: QueryBudget(.seconds(30))) { try await Task.sleep(for: .seconds(2)) }
        let next = try await slots.withSlot("alone", budget: QueryBudget(.milliseconds(200))) { "read" }
        #expect(next == "read")
    }

    @Test("while another tenant reads, a tenant past its share waits, and refuses what its budget cannot wait for")
    func contended_pastShare_refusedWithinBudget() async throws {
        let slots = TenantReadSlots(perTenant: 2)
        try await slots.withSlot("busy", budget: QueryBudget(.seconds(30))) { try await Task.sleep(for: .seconds(3)) }
        _ = try await slots.withSlot("other", budget: QueryBudget(.seconds(1))) { "read" }
        await #expect(throws: Problem.self) {
            try await slots.withSlot("busy", budget: QueryBudget(.milliseconds(200))) { "read" }
        }
        let other = try await slots.withSlot("other", budget: QueryBudget(.milliseconds(200))) { "read" }
        #expect(other == "read", "the tenant within its share reads at once")
        let waited = try await slots.withSlot("busy", budget: QueryBudget(.seconds(10))) { "read" }
        #expect(waited == "read", "with budget enough, the tenant waits for its share instead")
    }
}
