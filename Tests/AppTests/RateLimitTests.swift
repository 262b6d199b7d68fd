import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import App

/// Limits answer with the IETF `RateLimit-*` headers, and 429 with `Retry-After` when exceeded.
@Suite("Rate limits")
struct RateLimitTests {
    @Test("ingest past the per-tenant record rate is a 429 and commits nothing")
    func ingest_overRecordRate_429() async throws {
        try await withApp(configure: {
            $0.ingestRecordsPerSecond = 5
            $0.maxRecordsPerRequest = 5
        }) { client in
            let ok = try await client.ingest(#"[{"message": "a"}, {"message": "b"}, {"message": "c"}]"#)
            #expect(ok.status == .ok)
            #expect(ok.headers[.rateLimitLimit] == "5")
            #expect(ok.headers[.rateLimitRemaining] == "2")
            let refused = try await client.ingest(#"[{"message": "d"}, {"message": "e"}, {"message": "f"}]"#)
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.contentType] == "application/problem+json")
            #expect(refused.headers[.retryAfter] == "1")
            // One record of the rate is taken before the body is read, refused or not.
            #expect(refused.headers[.rateLimitRemaining] == "1")
            let stored = try await client.get("/api/v1/logs").json()["logs"] as? [Any]
            #expect(stored?.count == 3)
        }
    }

    @Test("a tenant over its byte rate is refused from Content-Length, before its body is read")
    func ingest_overByteRate_refusedBeforeReading() async throws {
        try await withApp(configure: {
            $0.ingestBytesPerSecond = 1024
            $0.maxBodyBytes = 1024
        }) { client in
            let body = "[" + Array(repeating: #"{"message": "filler"}"#, count: 40).joined(separator: ",") + "]"
            let garbage = String(repeating: "x", count: 900)
            var statuses: [HTTPResponse.Status] = []
            for text in [body, garbage] {
                let headers: HTTPFields = [.contentType: "application/json", .contentLength: String(text.utf8.count)]
                let response = try await client.execute(
                    uri: "/api/v1/logs", method: .post, headers: headers, body: ByteBuffer(string: text))
                statuses.append(response.status)
            }
            // Unread, the garbage is refused for the rate, not for its JSON.
            #expect(statuses == [.ok, .tooManyRequests])
        }
    }

    @Test("a tenant held at its record rate is refused before its body is read", arguments: [false, true])
    func ingest_atRecordRate_refusedBeforeReading(perCredential: Bool) async throws {
        try await withApp(configure: {
            if perCredential {
                $0.ingestRecordsPerCredentialPerSecond = 5
            } else {
                $0.ingestRecordsPerSecond = 5
            }
            $0.maxRecordsPerRequest = 5
        }) { client in
            let full = try await client.ingest(
                "[" + Array(repeating: #"{"message": "m"}"#, count: 5).joined(separator: ",") + "]")
            #expect(full.status == .ok)
            // Unread, the garbage is refused for the rate, not for its JSON.
            let garbage = try await client.ingest(String(repeating: "x", count: 900))
            #expect(garbage.status == .tooManyRequests, "\(String(buffer: garbage.body))")
        }
    }

    @Test("reads past the per-address rate are 429s")
    func search_overRate_429() async throws {
        try await withApp(configure: { $0.searchRequestsPerSecond = 3 }) { client in
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<4 { statuses.append(try await client.get("/api/v1/logs").status) }
            #expect(statuses == [.ok, .ok, .ok, .tooManyRequests])
        }
    }

    @Test("reads past the per-tenant rate are 429s for that tenant only; pages past its byte rate too")
    func search_overTenantRates_429() async throws {
        try await withAuthApp(configure: {
            $0.searchRequestsPerSecond = 0
            $0.searchRequestsPerTenantPerSecond = 3
            $0.maxPageBytes = 1024
            $0.searchBytesPerTenantPerSecond = 1024
        }) { client, admin, _ in
            _ = try await client.send(.post, "/api/v1/admin/tenants", as: admin, json: #"{"name": "other"}"#)
            let reader = try await client.createKey(as: admin, scopes: ["read"]).key
            let other = try await client.createKey(as: admin, scopes: ["read", "ingest"], tenant: "other").key
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<4 { statuses.append(try await client.send(.get, "/api/v1/logs", as: reader).status) }
            #expect(statuses == [.ok, .ok, .ok, .tooManyRequests])
            let refused = try await client.send(.get, "/api/v1/logs", as: reader)
            #expect(String(buffer: refused.body).contains("search.requests.tenant"))

            let big = #"[{"message": "\#(String(repeating: "b", count: 700))"}]"#
            #expect(try await client.send(.post, "/api/v1/logs", as: other, json: big).status == .ok)
            #expect(try await client.send(.get, "/api/v1/logs", as: other).status == .ok)
            let overBytes = try await client.send(.get, "/api/v1/logs", as: other)
            #expect(overBytes.status == .tooManyRequests, "a second page of over 700 bytes passes a 1 KiB byte rate")
            #expect(String(buffer: overBytes.body).contains("search.bytes.tenant"))
        }
    }

    @Test("a per-credential record limit holds one key back without touching another key of the tenant")
    func ingest_perCredentialLimit() async throws {
        try await withAuthApp(configure: {
            $0.ingestRecordsPerCredentialPerSecond = 5
            $0.maxRecordsPerRequest = 5
        }) { client, admin, _ in
            let first = try await client.createKey(as: admin, scopes: ["ingest"], name: "shipper-a").key
            let second = try await client.createKey(as: admin, scopes: ["ingest"], name: "shipper-b").key
            let five = "[" + (0..<5).map { #"{"message": "m\#($0)"}"# }.joined(separator: ",") + "]"
            #expect(try await client.send(.post, "/api/v1/logs", as: first, json: five).status == .ok)
            let refused = try await client.send(.post, "/api/v1/logs", as: first, json: #"{"message": "one more"}"#)
            #expect(refused.status == .tooManyRequests)
            #expect(String(buffer: refused.body).contains("ingest.records.credential"))
            #expect(try await client.send(.post, "/api/v1/logs", as: second, json: five).status == .ok)
        }
    }
}
