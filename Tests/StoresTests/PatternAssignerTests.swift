import InMemoryLogging
import Ingestion
import LogModel
import Logging
import ServiceLifecycle
import Stores
import TestSupport
import Testing

/// Patterns at ingest on both stores: replicas that mine their own shares of a tenant's lines
/// converge on the same templates and IDs once they synchronise, a new process picks the
/// patterns up from the store, and stopping stores the last counts without a failure.
@Suite("Pattern assigner")
struct PatternAssignerTests {
    @Test(
        "two replicas mining interleaved shares converge on the same IDs, and a restarted one finds them",
        arguments: StoreKind.allCases)
    func replicasConverge(kind: StoreKind) async throws {
        let lines = try TestData.csv("loghub/Linux/Linux_2k.log_structured.csv").map { $0["Content"] ?? "" }
        try await withStore(kind) { store in
            let patterns = try #require(store as? any PatternStore)
            let tenant = uniqueTenant()
            let logger = Logger(label: "test")
            let replicas = [
                PatternAssigner(store: patterns, logger: logger), PatternAssigner(store: patterns, logger: logger),
            ]
            var generator = SeededGenerator(seed: 3)
            var stored = 0
            for start in stride(from: 0, to: 1500, by: 10) {
                let batch = lines[start..<start + 10].enumerated().map { offset, line in
                    makeRecord(line, tenant: tenant, second: Int64(start + offset))
                }
                let assigned = try await replicas[Int(generator.next() % 2)].assign(batch)
                #expect(assigned.allSatisfy { $0.patternID != nil })
                try await store.insert(assigned)
                stored += assigned.count
            }
            for _ in 0..<2 {
                for replica in replicas { await replica.synchronize() }
            }
            let current = Set(try await patterns.currentPatterns(tenant: tenant).map(\.id))
            let request = PatternListRequest(
                tenant: tenant, start: baseTime, end: baseTime.adding(microseconds: 3_600_000_000), limit: 1000)
            let listed = try await patterns.patternSummaries(request)
            #expect(listed.reduce(0) { $0 + $1.count } == stored)
            #expect(Set(listed.map(\.template.id)).isSubset(of: current))
            let restarted = PatternAssigner(store: patterns, logger: logger)
            for line in lines[1500...] {
                let record = makeRecord(line, tenant: tenant, second: 2000)
                let ids = try await [replicas[0], replicas[1], restarted].asyncMap {
                    try await $0.assign([record])[0].patternID
                }
                #expect(ids[0] == ids[1], "\(line)")
                #expect(ids[0] == ids[2], "\(line)")
            }
        }
    }

    @Test(
        "graceful shutdown stores the counts since the last interval and logs no failure", arguments: StoreKind.allCases
    )
    func gracefulShutdownStoresCounts(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let patterns = try #require(store as? any PatternStore)
            let tenant = uniqueTenant()
            let log = InMemoryLogHandler()
            let assigner = PatternAssigner(
                store: patterns, settings: .init(interval: .seconds(600)), logger: Logger(label: "test") { _ in log })
            let group = ServiceGroup(configuration: .init(services: [assigner], logger: Logger(label: "test")))
            async let running: Void = group.run()
            let records = (0..<20).map { makeRecord("user \($0) logged in", tenant: tenant, second: Int64($0)) }
            try await store.insert(try await assigner.assign(records))
            await group.triggerGracefulShutdown()
            try await running
            let request = PatternListRequest(
                tenant: tenant, start: baseTime, end: baseTime.adding(microseconds: 3_600_000_000), limit: 10)
            #expect(try await patterns.patternSummaries(request).reduce(0) { $0 + $1.count } == records.count)
            #expect(log.entries.filter { $0.level >= .warning }.map(\.message.description) == [])
        }
    }

    @Test("an assigner cancelled mid-interval stops without trying the store", arguments: StoreKind.allCases)
    func cancelledStopsQuietly(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let patterns = try #require(store as? any PatternStore)
            let log = InMemoryLogHandler()
            let assigner = PatternAssigner(
                store: patterns, settings: .init(interval: .seconds(600)), logger: Logger(label: "test") { _ in log })
            _ = try await assigner.assign([makeRecord("user 1 logged in", tenant: uniqueTenant(), second: 0)])
            let running = Task { try await assigner.run() }
            try await Task.sleep(for: .milliseconds(50))
            running.cancel()
            try await running.value
            #expect(log.entries.filter { $0.level >= .warning }.map(\.message.description) == [])
        }
    }
}

extension Array {
    /// The results of an async transform, in order.
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
