import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// `logsmith-bench get`: repeats one GET from several concurrent clients and prints requests/s and
/// latency percentiles as one JSON object (for limiter overhead and cache speed-up).
struct GetBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get", abstract: "Measure a repeated GET request.")

    @OptionGroup var server: ServerOptions
    @Option(help: "Path and query to request.") var path = "/api/v1/logs"
    @Option(help: "Requests to send in all.") var requests = 2000
    @Option(help: "Concurrent clients.") var concurrency = 4

    func validate() throws {
        guard requests > 0, concurrency > 0 else {
            throw ValidationError("--requests and --concurrency must be positive")
        }
    }

    func run() async throws {
        let target = server.target
        let start = ContinuousClock.now
        let results = try await Clients.run(
            concurrency: concurrency, items: requests, deadline: start + .seconds(3600)
        ) { _ in
            let response = try await HTTPClient.bench.execute(target.request(path), timeout: .seconds(60))
            _ = try await response.body.collect(upTo: 64 << 20)
            return response.status.code >= 400 ? nil : 0
        }
        try Summary.print(
            results, elapsed: ContinuousClock.now - start, extra: ["path": path, "concurrency": concurrency])
    }
}
