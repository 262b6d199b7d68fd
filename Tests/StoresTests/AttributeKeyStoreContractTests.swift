import Ingestion
import LogModel
import Logging
import Stores
import Testing

/// The registry of attribute keys per tenant and day, on both stores, through the ingest gate.
@Suite("AttributeKeyStore contract")
struct AttributeKeyStoreContractTests {
    @Test(
        "admissions at once, from two replicas on PostgreSQL, never take a day past its limit",
        arguments: StoreKind.allCases)
    func admit_concurrentReplicas_neverPassLimit(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let first = try #require(store as? any AttributeKeyStore)
            let gate = AttributeKeyGate(store: first, limit: 30)
            var gates = [gate, gate]
            var replica: PostgresLogStore?
            if kind == .postgres {
                let second = try postgresStore(logger: Logger(label: "test"), indexedSearch: contractIndexedSearch)
                gates[1] = AttributeKeyGate(store: second, limit: 30)
                replica = second
            }
            let tenant = uniqueTenant()
            let run: @Sendable () async throws -> Int = { [gates] in
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for client in 0..<60 {
                        group.addTask {
                            let attributes = Dictionary(
                                uniqueKeysWithValues: (0..<3).map { ("k\(client)-\($0)", JSONValue.integer(1)) })
                            let refused = try await gates[client % 2].refused(
                                [makeRecord("r", tenant: tenant, attributes: attributes)])
                            return refused.isEmpty ? 1 : 0
                        }
                    }
                    return try await group.reduce(0, +)
                }
            }
            var admitted = 0
            if let replica {
                try await running(replica) { admitted = try await run() }
            } else {
                admitted = try await run()
            }
            #expect(admitted == 10)
            let held = try await first.admitAttributeKeys(
                tenant: tenant, day: baseTime.utcDay, keysPerRecord: [], limit: 30)
            #expect(held.count == 30)
        }
    }

    @Test("dropping storage before a cutoff forgets the keys of the days before it", arguments: StoreKind.allCases)
    func dropStorage_forgetsEarlierDays(kind: StoreKind) async throws {
        try await withIsolatedStores(kind) { stores, _ in
            let store = try #require(stores as? any AttributeKeyStore & RetentionStore)
            let tenant = uniqueTenant()
            let day = baseTime.utcDay
            for admittedDay in [day - 1, day] {
                let admission = try await store.admitAttributeKeys(
                    tenant: tenant, day: admittedDay, keysPerRecord: [["a", "b"]], limit: 10)
                #expect(admission.admitted == [true])
            }
            _ = try await store.dropStorage(before: Timestamp(microseconds: Int64(day) * 86_400_000_000))
            let earlier = try await store.admitAttributeKeys(tenant: tenant, day: day - 1, keysPerRecord: [], limit: 10)
            let later = try await store.admitAttributeKeys(tenant: tenant, day: day, keysPerRecord: [], limit: 10)
            #expect((earlier.count, later.count) == (0, 2))
        }
    }
}
