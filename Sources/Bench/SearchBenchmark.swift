import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// `logsmith-bench search`: runs each query class against a Logsmith loaded with the seeded
/// workload and prints one JSON object per class and temperature. Parameters come from probe
/// pages read first (real IDs, stories, services, words). Cold: every request has parameters not
/// asked before; warm: one request repeated. Answers the query budget cut short are counted as
/// `partial`. Run the server with `LOGSMITH_CACHE_TTL=0` to measure
/// the store rather than the result cache.
struct SearchBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search", abstract: "Measure search latency by query class.")

    @OptionGroup var server: ServerOptions
    @Option(help: "Records of the workload the server holds (ingested with the default seed).") var records = 1_000_000
    @Option(help: "Requests per query class and temperature.") var requests = 100
    @Option(help: "Concurrent clients.") var concurrency = 1
    @Option(help: "Stop each query class and temperature after this many seconds.") var maxSeconds = 30.0
    @Option(help: "Only these query classes, by name, separated by semicolons (all when absent).") var classes: String?

    func validate() throws {
        guard records > 0, requests > 0, concurrency > 0, maxSeconds > 0 else {
            throw ValidationError("--records, --requests, --concurrency and --max-seconds must be positive")
        }
    }

    func run() async throws {
        let target = server.target
        let probes = try await SearchProbes.read(target, records: records, pages: 8)
        let chosen = classes.map { Set($0.split(separator: ";").map(String.init)) }
        for queryClass in probes.classes(count: requests) where chosen?.contains(queryClass.name) ?? true {
            for (temperature, paths) in [
                ("cold", queryClass.paths), ("warm", Array(repeating: queryClass.paths[0], count: requests)),
            ] {
                let start = ContinuousClock.now
                let partial = Atomic<Int>(0)
                let results = try await Clients.run(
                    concurrency: concurrency, items: paths.count, deadline: start + .seconds(maxSeconds)
                ) { index in
                    let response = try await HTTPClient.bench.execute(
                        target.request(paths[index]), timeout: .seconds(60))
                    let body = try await response.body.collect(upTo: 64 << 20)
                    if Self.isPartial(body) {
                        partial.add(1, ordering: .relaxed)
                    }
                    return response.status == .ok || (queryClass.allowsNotFound && response.status == .notFound)
                        ? 0 : nil
                }
                try Summary.print(
                    results, elapsed: ContinuousClock.now - start,
                    extra: [
                        "query": queryClass.name, "temperature": temperature, "example": queryClass.paths[0],
                        "partial": partial.load(ordering: .relaxed),
                    ])
            }
        }
    }

    /// Whether an answer says `"partial":true`, by a plain scan of its bytes: the generic
    /// `firstRange(of:)` over a `ByteBufferView` took milliseconds for a page of 100 records, inside
    /// the timed request.
    private static func isPartial(_ body: ByteBuffer) -> Bool {
        let needle = Array(#""partial":true"#.utf8)
        return body.withUnsafeReadableBytes { bytes in
            guard bytes.count >= needle.count else { return false }
            return (0...(bytes.count - needle.count)).contains { start in
                needle.indices.allSatisfy { bytes[start + $0] == needle[$0] }
            }
        }
    }
}
