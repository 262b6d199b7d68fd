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

    @Option(help: "Base URL of a Logsmith on loopback.") var url = "http://127.0.0.1:8080"
    @Option(help: "Path and query to request.") var path = "/api/v1/logs"
    @Option(help: "Requests to send in all.") var requests = 2000
    @Option(help: "Concurrent clients.") var concurrency = 4
    @Option(help: "API key, when the server has authentication on (or LOGSMITH_BENCH_KEY).") var apiKey: String?

    func validate() throws {
        try LoopbackURL.validate(url)
        guard requests > 0, concurrency > 0 else {
            throw ValidationError("--requests and --concurrency must be positive")
        }
    }

    func run() async throws {
        let key = apiKey ?? ProcessInfo.processInfo.environment["LOGSMITH_BENCH_KEY"]
        let target = url + path
        let start = ContinuousClock.now
        let results = try await Clients.run(
            concurrency: concurrency, items: requests, deadline: start + .seconds(3600)
        ) { _ in
            var request = HTTPClientRequest(url: target)
            if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
            _ = try await response.body.collect(upTo: 64 << 20)
            return response.status.code >= 400 ? nil : 0
        }
        try Summary.print(
            results, elapsed: ContinuousClock.now - start, extra: ["path": path, "concurrency": concurrency])
    }
}
