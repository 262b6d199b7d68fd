import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request body arrives too slowly: once the server has waited for body
/// bytes longer than `grace` plus one second for every `minimumBytesPerSecond` received, the client
/// is trickling (as Apache's `mod_reqtimeout` judges a body). Only time the server spends waiting
/// counts: while the route stops reading (it commits what it read first), the client is not charged.
final class SlowBodyHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart

    private let grace: TimeAmount
    private let minimumBytesPerSecond: Int
    private var body: (bytes: Int, waited: TimeAmount, waitingSince: NIODeadline?)?
    private var check: Scheduled<Void>?

    init(grace: TimeAmount, minimumBytesPerSecond: Int) {
        self.grace = grace
        self.minimumBytesPerSecond = minimumBytesPerSecond
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            body = (0, .zero, nil)
            scheduleCheck(context)
        case .body(let buffer):
            stopWaiting()
            body?.bytes += buffer.readableBytes
        case .end:
            body = nil
            check?.cancel()
            check = nil
        }
        context.fireChannelRead(data)
    }

    func read(context: ChannelHandlerContext) {
        if body != nil, body?.waitingSince == nil { body?.waitingSince = .now() }
        context.read()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        check?.cancel()
    }

    private func stopWaiting() {
        guard var current = body, let since = current.waitingSince else { return }
        current.waited = current.waited + (.now() - since)
        current.waitingSince = nil
        body = current
    }

    private func scheduleCheck(_ context: ChannelHandlerContext) {
        check?.cancel()
        check = context.eventLoop.assumeIsolated().scheduleTask(in: .seconds(1)) { [self] in
            guard let current = body else { return }
            let waited = current.waited + (current.waitingSince.map { .now() - $0 } ?? .zero)
            let allowed = grace + .seconds(Int64(current.bytes / minimumBytesPerSecond))
            guard waited > allowed else { return scheduleCheck(context) }
            body = nil
            context.close(promise: nil)
        }
    }
}
