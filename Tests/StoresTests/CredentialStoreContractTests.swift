import Access
import Foundation
import LogModel
import Stores
import Synchronization
import Testing

/// The contract every ``CredentialStore`` keeps, on SQLite and on real PostgreSQL.
@Suite("CredentialStore contract")
struct CredentialStoreContractTests {
    @Test("keys are found by hash only, listed and revoked per tenant", arguments: StoreKind.allCases)
    func keys_lifecycle(kind: StoreKind) async throws {
        try await withStores(kind) { _, credentials in
            let tenant = uniqueTenant()
            let (secret, key) = APIKeySecret.make(
                tenant: tenant, name: "shipper", scopes: [.ingest, .read], at: baseTime)
            try await credentials.insertKey(key)
            #expect(try await credentials.key(hash: APIKeySecret.hash(secret)) == key)
            #expect(try await credentials.key(hash: APIKeySecret.hash(secret + "x")) == nil)
            #expect(try await credentials.keys(tenant: tenant) == [key])
            #expect(try await credentials.keys(tenant: uniqueTenant()).isEmpty)
            let otherTenantRevoke = try await credentials.revokeKey(tenant: uniqueTenant(), id: key.id, at: baseTime)
            let revoke = try await credentials.revokeKey(tenant: tenant, id: key.id, at: baseTime)
            let revokeAgain = try await credentials.revokeKey(tenant: tenant, id: key.id, at: baseTime)
            #expect(!otherTenantRevoke && revoke && !revokeAgain)
            #expect(try await credentials.key(hash: key.hash)?.revokedAt == baseTime)
            try await credentials.touchKey(id: key.id, at: baseTime.adding(microseconds: 5))
            #expect(try await credentials.key(hash: key.hash)?.lastUsedAt == baseTime.adding(microseconds: 5))
        }
    }

    @Test(
        "users are unique by name in any case within a tenant, listed and disabled per tenant",
        arguments: StoreKind.allCases)
    func users_lifecycle(kind: StoreKind) async throws {
        try await withStores(kind) { _, credentials in
            let tenant = uniqueTenant()
            let name = "user-\(UUID().uuidString.prefix(8))"
            let user = User(
                id: RecordID.make(at: baseTime), tenant: tenant, username: name, passwordHash: "$2b$04$hash",
                role: .viewer, createdAt: baseTime)
            try await credentials.insertUser(user)
            #expect(try await credentials.user(tenant: tenant, username: name) == user)
            #expect(try await credentials.users(tenant: tenant) == [user])
            #expect(try await credentials.user(tenant: tenant, username: name.uppercased()) == user)
            #expect(try await credentials.user(tenant: uniqueTenant(), username: name) == nil)
            var duplicate = user
            duplicate.id = RecordID.make(at: baseTime)
            duplicate.username = name.uppercased()
            await #expect(throws: StoreError.self) { try await credentials.insertUser(duplicate) }
            var namesake = user
            namesake.id = RecordID.make(at: baseTime)
            namesake.tenant = uniqueTenant()
            try await credentials.insertUser(namesake)
            let wrongTenant = try await credentials.disableUser(tenant: uniqueTenant(), username: name, at: baseTime)
            let disabled = try await credentials.disableUser(tenant: tenant, username: name.uppercased(), at: baseTime)
            #expect(!wrongTenant && disabled)
            #expect(try await credentials.user(tenant: tenant, username: name)?.disabledAt == baseTime)
            #expect(try await credentials.user(tenant: namesake.tenant, username: name)?.disabledAt == nil)
        }
    }

    @Test("tenants are created once and listed", arguments: StoreKind.allCases)
    func tenants_createdOnce(kind: StoreKind) async throws {
        try await withStores(kind) { _, credentials in
            let name = uniqueTenant()
            let first = try await credentials.createTenant(Tenant(name: name, createdAt: baseTime))
            let second = try await credentials.createTenant(Tenant(name: name, createdAt: baseTime))
            #expect(first && !second)
            #expect(try await credentials.tenantExists(name))
            #expect(try await credentials.tenants().contains(Tenant(name: name, createdAt: baseTime)))
        }
    }

    @Test("the initial key goes in only while no credential exists")
    func insertInitialKey_onlyOnEmptyDatabase() async throws {
        try await withStores(.sqlite) { _, credentials in
            let first = APIKeySecret.make(tenant: "default", name: "initial", scopes: [.admin], at: baseTime).record
            let second = APIKeySecret.make(tenant: "default", name: "initial", scopes: [.admin], at: baseTime).record
            let insertedFirst = try await credentials.insertInitialKey(first)
            let insertedSecond = try await credentials.insertInitialKey(second)
            #expect(insertedFirst && !insertedSecond)
            #expect(try await credentials.keys(tenant: "default") == [first])
        }
    }

    @Test("of concurrent initial-key inserts on an empty database, exactly one succeeds")
    func insertInitialKey_concurrent_exactlyOne() async throws {
        try await withStores(.sqlite) { _, credentials in
            let results = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        try await credentials.insertInitialKey(
                            APIKeySecret.make(tenant: "default", name: "initial", scopes: [.admin], at: baseTime).record
                        )
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(results.filter { $0 }.count == 1)
            #expect(try await credentials.keys(tenant: "default").count == 1)
        }
    }
}

/// Revocations and disablements are heard by watchers, on the store that made them and, on
/// PostgreSQL, on another pool of the same database (as another replica would hear them).
@Suite("CredentialStore change watch")
struct CredentialChangeWatchTests {
    @Test("a watcher hears revocations and disablements that happened, and nothing else", arguments: StoreKind.allCases)
    func watch_sameStore(kind: StoreKind) async throws {
        // A database of its own: other tests' revocations would be heard too.
        try await withIsolatedStores(kind) { _, credentials in
            try await expectHeard(by: credentials, changesOf: credentials)
        }
    }

    @Test("a watcher on a second PostgreSQL pool hears the first pool's revocations")
    func watch_otherPool() async throws {
        try await withTwoPostgresPools { first, second in
            try await expectHeard(by: second.credentials, changesOf: first.credentials)
        }
    }

    /// Watches `watched`, changes credentials through `changing`, and checks what the watcher heard.
    private func expectHeard(by watched: some CredentialStore, changesOf changing: some CredentialStore) async throws {
        let heard = Mutex<[ChangeWatchEvent]>([])
        let watch = Task { try await watched.watchChanges { event in heard.withLock { $0.append(event) } } }
        defer { watch.cancel() }
        try await waitUntil("the watcher never listened") { heard.withLock { $0 } == [.listening] }
        let tenant = uniqueTenant()
        let (_, key) = APIKeySecret.make(tenant: tenant, name: "watched", scopes: [.read], at: baseTime)
        try await changing.insertKey(key)
        #expect(try await changing.revokeKey(tenant: tenant, id: key.id, at: baseTime))
        try await waitUntil("the revocation was not heard") { heard.withLock { $0 } == [.listening, .changed] }
        #expect(try await !changing.revokeKey(tenant: tenant, id: key.id, at: baseTime))
        #expect(try await !changing.disableUser(tenant: tenant, username: "nobody", at: baseTime))
        try await Task.sleep(for: .milliseconds(300))
        #expect(heard.withLock { $0 } == [.listening, .changed], "a change that did not happen was announced")
        let user = User(
            id: RecordID.make(at: baseTime), tenant: tenant, username: "watched", passwordHash: "$2b$04$hash",
            role: .viewer, createdAt: baseTime)
        try await changing.insertUser(user)
        #expect(try await changing.disableUser(tenant: tenant, username: "WATCHED", at: baseTime))
        try await waitUntil("the disablement was not heard") {
            heard.withLock { $0 } == [.listening, .changed, .changed]
        }
    }
}
