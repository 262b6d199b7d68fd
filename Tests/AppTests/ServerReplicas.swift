import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TestSupport

/// Runs `body` with two processes of the built binary serving one fresh PostgreSQL database, each
/// with a data directory of its own, without authentication or limits, `environment` added.
func withTwoReplicas(environment: [String: String] = [:], _ body: ([ServerProcess]) async throws -> Void)
    async throws
{
    try await withFreshPostgresDatabase(on: try testDatabaseURL()) { url in
        try await withTemporaryDirectory { directory in
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let environment = [
                "LOGSMITH_DATABASE_URL": url, "LOGSMITH_AUTH": "off", "LOGSMITH_LIMIT_SEARCH": "0",
                "LOGSMITH_LIMIT_INGEST_RECORDS": "0",
            ].merging(environment) { $1 }
            let replicas = [
                try await ServerProcess(
                    dataDirectory: directory + "/a", environment: environment, outputDirectory: directory),
                try await ServerProcess(
                    dataDirectory: directory + "/b", environment: environment, outputDirectory: directory),
            ]
            defer { replicas.forEach { $0.terminate() } }
            try await body(replicas)
        }
    }
}

extension ServerProcess {
    /// Posts a body to a path of the server and returns the response's status code.
    func post(_ body: String, to path: String, contentType: String = "application/json") async throws -> Int {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: contentType)
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }

    /// The JSON object a GET of a path of the server answers.
    func getJSON(_ path: String) async throws -> [String: Any] {
        let response = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)"), timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 64 << 20)
        return try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any] ?? [:]
    }

    /// Whether the process has logged a line with this message.
    func logged(_ message: String) -> Bool {
        ((try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "").contains(#""message":"\#(message)""#)
    }
}
