import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import App

/// Search through the result cache, in process and in Redis.
@Suite("Search cache")
struct SearchCacheTests {
    enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case memory
        case redis

        var testDescription: String { rawValue }
    }

    @Test("a search right after an ingest sees the new record; repeated searches hit", arguments: Backend.allCases)
    func searchAfterIngest_seesNewRecord(backend: Backend) async throws {
        let redisURL = backend == .redis ? ProcessInfo.processInfo.environment["LOGSMITH_TEST_REDIS_URL"] : nil
        if backend == .redis { try #require(redisURL != nil, "set LOGSMITH_TEST_REDIS_URL (scripts/test does)") }
        let tenantWord = "cachecheck\(UUID().uuidString.prefix(8).lowercased())"
        try await withApp(configure: { $0.redisURL = redisURL }) { client in
            #expect(try await client.ingest(#"{"message": "\#(tenantWord) first"}"#).status == .ok)
            let query = "/api/v1/logs?q=\(tenantWord)"
            let first = try await client.get(query).json()["logs"] as? [Any]
            #expect(first?.count == 1)
            _ = try await client.get(query)
            let stats = try await client.get("/api/v1/cache/stats").json()
            #expect(stats["backend"] as? String == backend.rawValue)
            #expect((stats["hits"] as? Int ?? 0) >= 1)

            #expect(try await client.ingest(#"{"message": "\#(tenantWord) second"}"#).status == .ok)
            let second = try await client.get(query).json()["logs"] as? [[String: Any]]
            #expect(second?.count == 2)
            #expect(second?.first?["message"] as? String == "\(tenantWord) second")

            #expect(try await client.execute(uri: "/api/v1/cache", method: .delete).status == .noContent)
            let misses = try await client.get("/api/v1/cache/stats").json()["misses"] as? Int ?? 0
            _ = try await client.get(query)
            #expect(try await client.get("/api/v1/cache/stats").json()["misses"] as? Int == misses + 1)
        }
    }

    @Test("LOGSMITH_CACHE_TTL=0 turns the cache off")
    func ttlZero_turnsCacheOff() async throws {
        try await withApp(configure: { $0.cacheTTLSeconds = 0 }) { client in
            _ = try await client.get("/api/v1/logs")
            let stats = try await client.get("/api/v1/cache/stats").json()
            #expect(stats["backend"] as? String == "off")
        }
    }
}
