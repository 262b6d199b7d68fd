import Access
import Foundation
import LogModel
import Testing

@Suite("Scopes and roles")
struct ScopeTests {
    @Test("scope lists parse strictly and print sorted")
    func parseList_strict() {
        #expect(Scope.parseList("read, ingest") == [.read, .ingest])
        #expect(Scope.parseList("read,write") == nil)
        #expect(Scope.parseList("") == nil)
        #expect(Scope.listText([.admin, .ingest]) == "ingest,admin")
    }

    @Test("roles grant their scopes, and admin scope does not imply the others")
    func roles_grantScopes() {
        #expect(Role.admin.scopes == [.ingest, .read, .admin])
        #expect(Role.viewer.scopes == [.read])
        let adminOnly = Identity(tenant: "t", scopes: [.admin], actor: "key:1")
        #expect(adminOnly.allows(.admin) && !adminOnly.allows(.read) && !adminOnly.allows(.ingest))
    }

    @Test("tenant names are short lowercase slugs")
    func tenantNames() {
        #expect(Tenant.isValidName("payments-eu_1"))
        #expect(!Tenant.isValidName("Payments"))
        #expect(!Tenant.isValidName(""))
        #expect(!Tenant.isValidName(String(repeating: "a", count: 65)))
    }
}

@Suite("API key secrets")
struct APIKeySecretTests {
    @Test("keys are prefixed, random and stored only as their SHA-256")
    func make_randomKeysWithHashes() {
        let (secret, record) = APIKeySecret.make(tenant: "t", name: "n", scopes: [.read], at: .now())
        let (other, _) = APIKeySecret.make(tenant: "t", name: "n", scopes: [.read], at: .now())
        #expect(secret.hasPrefix("lsk_") && secret.count == 47 && APIKeySecret.looksLikeKey(secret))
        #expect(secret != other)
        #expect(record.hash == APIKeySecret.hash(secret) && record.hash.count == 64 && !record.hash.contains(secret))
        #expect(secret.hasPrefix(record.prefix) && record.prefix.count == 12)
        #expect(APIKeySecret.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}

@Suite("Passwords and sessions")
struct SessionTests {
    @Test("bcrypt hashes verify only the right password")
    func passwordHasher_verifies() async throws {
        let hasher = PasswordHasher(cost: 4)
        let hash = try await hasher.hash("correct horse battery")
        #expect(hash.hasPrefix("$2"))
        #expect(try await hasher.verify("correct horse battery", hash: hash))
        #expect(try await !hasher.verify("wrong horse battery", hash: hash))
        #expect(try await !hasher.verify("anything", hash: nil))
    }

    @Test("tokens verify with their secret only, and not after they expire")
    func sessionTokens_verify() async throws {
        let tokens = await SessionTokens(secret: "a-secret-of-at-least-thirty-two-characters")
        let token = try await tokens.issue(username: "ana", tenant: "payments", role: .viewer)
        let session = try await tokens.verify(token)
        #expect(session.username == "ana" && session.tenant == "payments" && session.role == .viewer)
        let otherSecret = await SessionTokens(secret: "another-secret-of-at-least-thirty-two-chars")
        await #expect(throws: (any Error).self) { _ = try await otherSecret.verify(token) }
        let old = try await tokens.issue(
            username: "ana", tenant: "payments", role: .viewer, now: Date().addingTimeInterval(-7200))
        await #expect(throws: (any Error).self) { _ = try await tokens.verify(old) }
    }
}
