import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// `logsmith-bench ingest`: posts a seeded workload as NDJSON batches from several concurrent
/// clients and prints records/s and request latency percentiles as one JSON object.
struct IngestBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest", abstract: "Measure ingest throughput and latency.")

    @Option(help: "Base URL of a Logsmith on loopback.") var url = "http://127.0.0.1:8080"
    @Option(help: "Records to send in all.") var records = 100_000
    @Option(help: "Records per request.") var batch = 100
    @Option(help: "Concurrent clients.") var concurrency = 8
    @Option(help: "Workload seed.") var seed: UInt64 = 42
    @Option(help: "Stop after this many seconds even if records remain.") var maxSeconds = 120.0
    @Option(help: "Directory of the shared log data.") var data = "../shared/data"
    @Option(help: "API key, when the server has authentication on (or LOGSMITH_BENCH_KEY).") var apiKey: String?

    func validate() throws {
        guard let host = URL(string: url)?.host, ["127.0.0.1", "localhost", "::1"].contains(host) else {
            throw ValidationError("--url must point at loopback")
        }
        guard records > 0, batch > 0, concurrency > 0, maxSeconds > 0 else {
            throw ValidationError("--records, --batch, --concurrency and --max-seconds must be positive")
        }
    }

    func run() async throws {
        var workload = try Workload(dataDirectory: data, seed: seed)
        let bodies: [ByteBuffer] = stride(from: 0, to: records, by: batch).map { offset in
            let lines = (offset..<min(records, offset + batch)).map { _ in
                String(decoding: try! JSONSerialization.data(withJSONObject: workload.next()), as: UTF8.self)
            }
            return ByteBuffer(string: lines.joined(separator: "\n"))
        }
        let key = apiKey ?? ProcessInfo.processInfo.environment["LOGSMITH_BENCH_KEY"]
        let target = url + "/api/v1/logs"
        let deadline = ContinuousClock.now + .seconds(maxSeconds)
        let next = Counter()
        let start = ContinuousClock.now
        let results = try await withThrowingTaskGroup(of: ClientResult.self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    var result = ClientResult()
                    while ContinuousClock.now < deadline, let index = await next.take(below: bodies.count) {
                        var request = HTTPClientRequest(url: target)
                        request.method = .POST
                        request.headers.add(name: "Content-Type", value: "application/x-ndjson")
                        if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
                        request.body = .bytes(bodies[index])
                        let sent = ContinuousClock.now
                        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
                        _ = try await response.body.collect(upTo: 1 << 20)
                        result.latencies.append(ContinuousClock.now - sent)
                        if response.status == .ok {
                            result.records += bodies[index].readableBytesView.split(separator: UInt8(ascii: "\n")).count
                        } else {
                            result.errors += 1
                        }
                    }
                    return result
                }
            }
            return try await group.reduce(into: [ClientResult]()) { $0.append($1) }
        }
        let elapsed = ContinuousClock.now - start
        let latencies = results.flatMap(\.latencies).sorted()
        let accepted = results.reduce(0) { $0 + $1.records }
        let summary: [String: Any] = [
            "records": accepted, "requests": latencies.count, "errors": results.reduce(0) { $0 + $1.errors },
            "batch": batch, "concurrency": concurrency, "seconds": elapsed / .seconds(1),
            "records_per_second": Double(accepted) / (elapsed / .seconds(1)),
            "p50_ms": Self.percentile(latencies, 0.50), "p95_ms": Self.percentile(latencies, 0.95),
            "p99_ms": Self.percentile(latencies, 0.99),
        ]
        let json = try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys])
        print(String(decoding: json, as: UTF8.self))
    }

    private static func percentile(_ sorted: [Duration], _ fraction: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let index = min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)
        return sorted[max(0, index)] / .milliseconds(1)
    }
}

/// What one client measured.
private struct ClientResult: Sendable {
    var latencies: [Duration] = []
    var records = 0
    var errors = 0
}

/// Hands out batch indexes to the clients, each once.
private actor Counter {
    private var value = 0

    func take(below limit: Int) -> Int? {
        guard value < limit else { return nil }
        defer { value += 1 }
        return value
    }
}
