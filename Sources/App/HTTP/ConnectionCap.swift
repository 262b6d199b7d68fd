import Foundation
import HTTPTypes
import NIOCore
import NIOHTTPTypes
import Synchronization

/// How many connections the server holds open: in all, and from one client address (trusted
/// proxies, which carry many clients, count only toward the total).
struct ConnectionCapSettings: Sendable {
    /// Most connections open at once.
    var total: Int
    /// Most connections open at once from one address.
    var perClient: Int
    /// Addresses the per-client cap does not apply to.
    var exempt: Set<String>
}

/// The connections open now, shared by every connection's ``ConnectionCapHandler``.
final class OpenConnections: Sendable {
    let settings: ConnectionCapSettings
    private let counts = Mutex((total: 0, byClient: [String: Int]()))

    init(_ settings: ConnectionCapSettings) {
        self.settings = settings
    }

    /// Counts a new connection from `client` if both caps allow it; whether they did.
    func admit(_ client: String?) -> Bool {
        counts.withLock { counts in
            let key = client.flatMap { settings.exempt.contains($0) ? nil : $0 }
            guard counts.total < settings.total else { return false }
            if let key {
                guard counts.byClient[key, default: 0] < settings.perClient else { return false }
                counts.byClient[key, default: 0] += 1
            }
            counts.total += 1
            return true
        }
    }

    /// Forgets a connection ``admit(_:)`` counted.
    func release(_ client: String?) {
        counts.withLock { counts in
            counts.total -= 1
            guard let key = client.flatMap({ settings.exempt.contains($0) ? nil : $0 }) else { return }
            let left = counts.byClient[key, default: 1] - 1
            counts.byClient[key] = left > 0 ? left : nil
        }
    }
}

/// Admits a connection under the caps of ``OpenConnections``, or answers it at once with a 503
/// problem and closes it, so that connections held open by one client cannot take every file
/// descriptor from the others.
final class ConnectionCapHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    private let open: OpenConnections
    private var state = State.waiting

    private enum State {
        case waiting
        case admitted(client: String?)
        case refused
    }

    init(_ open: OpenConnections) {
        self.open = open
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { decide(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        decide(context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        if case .admitted(let client) = state { open.release(client) }
        state = .refused
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .admitted = state { context.fireChannelRead(data) }
    }

    private func decide(_ context: ChannelHandlerContext) {
        guard case .waiting = state else { return }
        let client = context.channel.remoteAddress?.ipAddress
        guard !open.admit(client) else {
            state = .admitted(client: client)
            return
        }
        state = .refused
        let problem = Problem(
            status: .serviceUnavailable, kind: "too-many-connections",
            detail: "the server holds as many connections as it allows"
                + (client.map { " from \($0)" } ?? "") + "; retry shortly",
            headers: [.retryAfter: "1", .connection: "close"])
        let body = (try? problem.body()) ?? Data()
        var head = HTTPResponse(status: problem.status, headerFields: problem.responseHeaders)
        head.headerFields[.contentLength] = String(body.count)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(context.channel.allocator.buffer(bytes: body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}
