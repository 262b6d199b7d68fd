public import AsyncHTTPClient
import CompressNIO
import Foundation
import NIOCore
import NIOHTTP1

/// Posts spans to an OTLP/HTTP endpoint as `application/x-protobuf`, optionally gzip-compressed,
/// with the configured headers. 429, 502, 503 and 504 answers and connection failures are retried
/// with exponential backoff (or after the server's `Retry-After`) until the attempt deadline.
public struct OTLPHTTPExporter: SpanExporter {
    /// Where and how to send.
    public struct Configuration: Sendable {
        /// The full URL spans are posted to, ending in `/v1/traces` unless configured otherwise.
        public var endpoint: String
        /// Extra request headers (`OTEL_EXPORTER_OTLP_HEADERS`), for example an API key.
        public var headers: [(String, String)] = []
        /// Whether bodies are gzip-compressed (`OTEL_EXPORTER_OTLP_COMPRESSION=gzip`).
        public var gzip = false
        /// Longest one export may take, retries included (`OTEL_EXPORTER_OTLP_TIMEOUT`). Default 10 s.
        public var timeout = Duration.seconds(10)
        /// First retry delay; doubled on each retry, with jitter. Default 1 s.
        public var initialBackoff = Duration.seconds(1)

        /// Creates a configuration for an endpoint.
        public init(endpoint: String) {
            self.endpoint = endpoint
        }
    }

    /// The endpoint answered with a status that is not retried, or retries ran out.
    public struct ExportFailed: Error, CustomStringConvertible {
        /// The last HTTP status, or nil when the endpoint could not be reached.
        public var status: Int?
        /// A description for logs.
        public var description: String { status.map { "OTLP endpoint answered \($0)" } ?? "OTLP endpoint unreachable" }
    }

    private let configuration: Configuration
    private let encoding: OTLPTraceEncoding
    private let client: HTTPClient

    /// Creates an exporter that sends through `client` (the shared client by default).
    public init(configuration: Configuration, encoding: OTLPTraceEncoding, client: HTTPClient = .shared) {
        self.configuration = configuration
        self.encoding = encoding
        self.client = client
    }

    /// Encodes and sends one batch.
    public func export(_ spans: [FinishedSpan]) async throws {
        var body = ByteBuffer(bytes: encoding.request(spans))
        if configuration.gzip { body = try body.compress(with: .gzip()) }
        var request = HTTPClientRequest(url: configuration.endpoint)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-protobuf")
        if configuration.gzip { request.headers.add(name: "Content-Encoding", value: "gzip") }
        for (name, value) in configuration.headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(body)

        let deadline = ContinuousClock.now + configuration.timeout
        var backoff = configuration.initialBackoff
        while true {
            var status: Int?
            var retryAfter: Duration?
            do {
                let remaining = deadline - ContinuousClock.now
                let response = try await client.execute(request, timeout: .nanoseconds(remaining.nanoseconds))
                _ = try await response.body.collect(upTo: 1 << 20)
                if (200..<300).contains(Int(response.status.code)) { return }
                status = Int(response.status.code)
                guard [429, 502, 503, 504].contains(status) else { throw ExportFailed(status: status) }
                retryAfter = response.headers.first(name: "Retry-After").flatMap(Int.init).map { .seconds($0) }
            } catch let error as ExportFailed {
                throw error
            } catch {
                try Task.checkCancellation()
            }
            let delay = retryAfter ?? backoff.jittered()
            guard ContinuousClock.now + delay < deadline else { throw ExportFailed(status: status) }
            try await Task.sleep(for: delay)
            backoff *= 2
        }
    }
}

extension Duration {
    fileprivate var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return max(0, seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// This duration scaled by a random factor between 0.5 and 1.5, so retries spread out.
    fileprivate func jittered() -> Duration {
        self * Double.random(in: 0.5...1.5)
    }
}
