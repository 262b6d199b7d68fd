import Hummingbird
import NIOCore
import Stores
import Synchronization

/// Notices a client that goes away while its request is being answered, and cancels that request's
/// reads (their statements stop, as nginx stops an upstream request on a client abort).
///
/// The server allows remote half-closure, so a client that closes its socket shows up as
/// `inputClosed` rather than as a closed channel; a request never reads again once its body is in,
/// so nothing else would notice before the answer is written.
final class ClientDisconnectHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let watch = ClientWatch()

    func handlerAdded(context: ChannelHandlerContext) {
        ClientWatch.register(watch, for: context.channel)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        ClientWatch.unregister(context.channel)
        watch.clientLeft()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed { watch.clientLeft() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        watch.clientLeft()
        context.fireChannelInactive()
    }
}

/// One connection's client: whether it left, and the cancellation of the request answered now (an
/// HTTP/1 connection answers one request at a time, so one is enough).
final class ClientWatch: Sendable {
    private let state = Mutex((left: false, current: QueryCancellation?.none))
    private static let byChannel = Mutex([ObjectIdentifier: ClientWatch]())

    /// The watch of `channel`, if its pipeline has a ``ClientDisconnectHandler``.
    static func of(_ channel: any Channel) -> ClientWatch? {
        byChannel.withLock { $0[ObjectIdentifier(channel)] }
    }

    fileprivate static func register(_ watch: ClientWatch, for channel: any Channel) {
        byChannel.withLock { $0[ObjectIdentifier(channel)] = watch }
    }

    fileprivate static func unregister(_ channel: any Channel) {
        _ = byChannel.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// Makes `cancellation` the one set when the client leaves (at once if it already has).
    func cancelOnLeave(_ cancellation: QueryCancellation) {
        let left = state.withLock { state in
            state.current = cancellation
            return state.left
        }
        if left { cancellation.cancel() }
    }

    fileprivate func clientLeft() {
        let current = state.withLock { state in
            state.left = true
            return state.current.take()
        }
        current?.cancel()
    }
}
