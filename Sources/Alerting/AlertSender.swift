import AsyncHTTPClient
import Foundation
public import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// Posts notification bodies: JSON, with a signature for webhooks, redirects never followed, every
/// destination checked against the ``TargetAddressPolicy`` after resolving it.
public final class AlertSender: Sendable {
    /// What one post came to.
    public enum Outcome: Sendable, Hashable {
        /// The target answered 2xx.
        case delivered(status: Int)
        /// Worth trying again later: 5xx, 429, or no answer; the status when there was one.
        case retry(status: Int?, reason: String)
        /// Not worth trying again: another status, or a refused address.
        case refused(status: Int?, reason: String)
    }

    private let client = Mutex<HTTPClient?>(nil)
    private let policy: TargetAddressPolicy
    private let timeout: TimeAmount

    /// Creates a sender; its HTTP client (which follows no redirects) opens on the first post and
    /// closes at ``shutdown()``.
    public init(policy: TargetAddressPolicy, timeout: TimeAmount = .seconds(10)) {
        self.policy = policy
        self.timeout = timeout
    }

    /// A sender dropped without ``shutdown()`` (in tests) closes its client here, as the client asks.
    deinit {
        try? client.withLock { $0 }?.syncShutdown()
    }

    /// Closes the HTTP client, if a post opened one.
    public func shutdown() async {
        try? await client.withLock { client in
            defer { client = nil }; return client
        }?.shutdown()
    }

    private func httpClient() -> HTTPClient {
        client.withLock { client in
            if let client { return client }
            var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
            configuration.connectionPool = .init(
                idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 4)
            let made = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
            client = made
            return made
        }
    }

    /// Posts `body` to `url` with `headers`.
    public func post(_ body: String, to url: String, headers: [(String, String)]) async -> Outcome {
        if let refusal = policy.refusal(ofURL: url) { return .refused(status: nil, reason: "the URL \(refusal)") }
        if let components = URLComponents(string: url), let host = components.host {
            let port = components.port ?? (components.scheme?.lowercased() == "https" ? 443 : 80)
            let bare = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
            let refusal = try? await NIOThreadPool.singleton.runIfActive { [policy] in
                policy.refusal(ofResolvedHost: bare, port: port)
            }
            if let refusal = refusal ?? nil { return .refused(status: nil, reason: "the host \(refusal)") }
        }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Logsmith-Alerts")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(string: body))
        do {
            let response = try await httpClient().execute(request, timeout: timeout)
            _ = try? await response.body.collect(upTo: 64 * 1024)
            let status = Int(response.status.code)
            switch status {
            case 200..<300: return .delivered(status: status)
            case 429, 500..<600: return .retry(status: status, reason: "HTTP \(status)")
            default: return .refused(status: status, reason: "HTTP \(status)")
            }
        } catch {
            return .retry(status: nil, reason: Self.describe(error))
        }
    }

    private static func describe(_ error: any Error) -> String {
        String(String(describing: error).prefix(200))
    }
}
