import Ingestion
import LogModel
import Logging
import Stores
import TestSupport
import Testing

/// Patterns at ingest on both stores: replicas that mine their own shares of a tenant's lines
/// converge on the same templates and IDs once they synchronise, and a new process picks the
/// patterns up from the store.
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
}

extension Array {
    /// The results of an async transform, in order.
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
