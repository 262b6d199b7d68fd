import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization
import Testing

/// An HTTP server on a loopback port that records every POST it receives and answers 503 to the
/// first `failures` of them, then 200: the receiving end of alert webhooks in tests.
final class WebhookReceiver: Sendable {
    /// One request as received.
    struct Request: Sendable {
        var path: String
        var headers: HTTPFields
        var body: String
        var answered: Int
    }

    private let state: Mutex<(requests: [Request], failuresLeft: Int)>

    init(failures: Int) {
        state = Mutex(([], failures))
    }

    /// Every request so far.
    var requests: [Request] { state.withLock { $0.requests } }

    /// Runs the server while `body` runs, handing it the server's base URL.
    func serve(_ body: @Sendable (String) async throws -> Void) async throws {
        let router = Router()
        router.post("/**") { request, _ -> Response in
            let text = String(buffer: try await request.body.collect(upTo: 1 << 20))
            let status: HTTPResponse.Status = self.state.withLock { state in
                let failing = state.failuresLeft > 0
                if failing { state.failuresLeft -= 1 }
                state.requests.append(
                    Request(path: request.uri.path, headers: request.headers, body: text, answered: failing ? 503 : 200)
                )
                return failing ? .serviceUnavailable : .ok
            }
            return Response(status: status)
        }
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) },
            logger: Logger(label: "webhook-receiver", factory: { _ in SwiftLogNoOpLogHandler() }))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService() }
            defer { group.cancelAll() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            try await body("http://127.0.0.1:\(port)")
        }
    }
}
