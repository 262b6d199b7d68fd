import Access
import Foundation
import HTTPTypes
import HummingbirdTesting
import LogModel
import Logging
import Stores
import TestSupport
import Testing

@testable import App

/// Credentials kept in memory are used instead of the database, and dropped the moment a key is
/// revoked or a user disabled, on this replica or another.
@Suite("Cached credentials")
struct CachedCredentialsTests {
    @Test("a found key is kept: a change behind the cache's back is not seen until a revocation drops it")
    func keptUntilDropped() async throws {
        try await withTemporaryDirectory { directory in
            let store = try await SQLiteLogStore.open(directory: directory, logger: quietLogger)
            let cache = CachedCredentials(store.credentials, logger: quietLogger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await store.run() }
                group.addTask { try await cache.run() }
                defer { group.cancelAll() }
                try await store.migrate()
                try await waitUntilHeard(cache)
                let (kept, other) = (key(named: "kept"), key(named: "other"))
                try await cache.insertKey(kept)
                try await cache.insertKey(other)
                #expect(try await cache.key(hash: kept.hash)?.revokedAt == nil)
                // Revoked in the database without a notification, as no Logsmith process would.
                try await bash(
                    #"sqlite3 "$1" "UPDATE api_keys SET revoked_at = 1 WHERE id = '$2'""#,
                    [directory + "/logsmith.sqlite", kept.id])
                #expect(try await cache.key(hash: kept.hash)?.revokedAt == nil, "the key was looked up again")
                #expect(try await cache.revokeKey(tenant: other.tenant, id: other.id, at: .now()))
                #expect(try await cache.key(hash: kept.hash)?.revokedAt != nil, "a revocation did not drop the key")
            }
        }
    }

    @Test("a key revoked through one replica is refused by another at once (PostgreSQL, two applications)")
    func revokedOnAnotherReplica() async throws {
        try await withFreshPostgresDatabase(on: try testDatabaseURL()) { url in
            try await withTemporaryDirectory { first in
                try await withTemporaryDirectory { second in
                    let replicaA = try await buildApplication(try replicaConfiguration(url, first), logger: quietLogger)
                    let replicaB = try await buildApplication(
                        try replicaConfiguration(url, second), logger: quietLogger)
                    try await replicaA.boundedTest(.router) { a in
                        let admin = try String(contentsOfFile: first + "/initial-admin-key", encoding: .utf8)
                            .trimmingCharacters(in: .whitespacesAndNewlines)
                        let (key, id) = try await a.createKey(as: admin, scopes: ["read"])
                        try await replicaB.boundedTest(.router) { b in
                            for _ in 0..<3 { #expect(try await b.send(.get, "/api/v1/logs", as: key).status == .ok) }
                            let revoked = try await a.send(.delete, "/api/v1/admin/keys/\(id)", as: admin)
                            #expect(revoked.status == .noContent)
                            // Far below the cache's lifetime of 60 s; a notification takes milliseconds, but
                            // a loaded CI run of the whole suite once failed this wait at one second.
                            try await waitFor("replica B still accepts the revoked key", within: .seconds(10)) {
                                try await b.send(.get, "/api/v1/logs", as: key).status == .unauthorized
                            }
                        }
                    }
                }
            }
        }
    }

    private func replicaConfiguration(_ url: String, _ directory: String) throws -> AppConfiguration {
        var configuration = try testConfiguration(.sqlite, dataDirectory: directory)
        configuration.databaseURL = url
        configuration.authEnabled = true
        configuration.jwtSecret = testJWTSecret
        return configuration
    }

    private func key(named name: String) -> APIKey {
        APIKeySecret.make(tenant: "default", name: name, scopes: [.read], at: .now()).record
    }

    private func waitUntilHeard(_ cache: CachedCredentials<some CredentialStore>) async throws {
        try await waitFor("the cache never heard changes") { cache.hearsChanges }
    }
}
