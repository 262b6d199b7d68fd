import ArgumentParser
import AsyncHTTPClient
import Foundation
import LogModel
import NIOCore
import NIOHTTP1

/// The Logsmith a benchmark drives: a loopback URL only, and an API key when authentication is on.
struct ServerOptions: ParsableArguments {
    @Option(help: "Base URL of a Logsmith on loopback.") var url = "http://127.0.0.1:8080"
    @Option(help: "API key, when the server has authentication on (or LOGSMITH_BENCH_KEY).") var apiKey: String?

    func validate() throws {
        guard let parsed = URL(string: url), let host = parsed.host, ["127.0.0.1", "localhost", "::1"].contains(host),
            parsed.port != nil
        else { throw ValidationError("--url must be a loopback URL with a port, like http://127.0.0.1:8080") }
    }

    /// Where requests go and how they are authorised.
    var target: ServerTarget {
        ServerTarget(url: url, key: apiKey ?? ProcessInfo.processInfo.environment["LOGSMITH_BENCH_KEY"])
    }
}

/// A server's base URL and API key, resolved from ``ServerOptions``.
struct ServerTarget: Sendable {
    var url: String
    var key: String?

    /// A GET of `path` (path and query), authorised when there is a key.
    func request(_ path: String) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url + path)
        if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        return request
    }

    /// POSTs a body of `records` records to the ingest route of the protocol; `records` when it
    /// answers that they are committed, else nil. An Elasticsearch answer counts only when no item
    /// failed.
    func ingest(
        _ body: ByteBuffer, records: Int, protocol: IngestProtocol = .native, timeout: TimeAmount
    ) async throws -> Int? {
        let route = `protocol`.route
        var request = request(route.path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: route.contentType)
        request.body = .bytes(body)
        let response = try await HTTPClient.bench.execute(request, timeout: timeout)
        let answer = try await response.body.collect(upTo: 64 << 20)
        guard Int(response.status.code) == route.committed else { return nil }
        if `protocol` == .elasticsearch {
            guard case .object(let members) = try JSONParser.parse(answer.readableBytesView),
                members["errors"] == .bool(false)
            else { return nil }
        }
        return records
    }
}
