import LogModel
import NIOCore
import Telemetry

/// Takes the frames of one TCP connection into the inbox, a read burst at a time; closes the
/// connection when it stays silent past the idle timeout or breaks its framing.
final class SyslogStreamHandler: ChannelInboundHandler {
    typealias InboundIn = SyslogFrame

    private let inbox: SyslogInbox
    private let metrics: ServiceMetrics
    private var pending: [SyslogInbox.Message] = []

    init(inbox: SyslogInbox, metrics: ServiceMetrics) {
        self.inbox = inbox
        self.metrics = metrics
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .message(let bytes): pending.append(.init(bytes: bytes, transport: "tcp", receivedAt: .now()))
        case .oversized: metrics.syslogMessages(transport: "tcp", outcome: "oversized", count: 1)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flush()
    }

    func channelInactive(context: ChannelHandlerContext) {
        flush()
        context.fireChannelInactive()
    }

    /// Hands the messages of the last read burst to the inbox.
    private func flush() {
        let dropped = inbox.add(pending)
        if dropped > 0 { metrics.syslogMessages(transport: "tcp", outcome: "dropped", count: dropped) }
        pending = []
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        flush()
        metrics.syslogMessages(transport: "tcp", outcome: "framing_error", count: 1)
        context.close(promise: nil)
    }
}

/// Takes each UDP datagram as one message (a trailing LF, CR or NUL dropped).
final class SyslogDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let inbox: SyslogInbox
    private let metrics: ServiceMetrics
    private let maxMessageBytes: Int
    private var pending: [SyslogInbox.Message] = []

    init(inbox: SyslogInbox, metrics: ServiceMetrics, maxMessageBytes: Int) {
        self.inbox = inbox
        self.metrics = metrics
        self.maxMessageBytes = maxMessageBytes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data).data
        guard buffer.readableBytes <= maxMessageBytes else {
            metrics.syslogMessages(transport: "udp", outcome: "oversized", count: 1)
            return
        }
        var bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        while let last = bytes.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") || last == 0 {
            bytes.removeLast()
        }
        if !bytes.isEmpty { pending.append(.init(bytes: bytes, transport: "udp", receivedAt: .now())) }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        let dropped = inbox.add(pending)
        if dropped > 0 { metrics.syslogMessages(transport: "udp", outcome: "dropped", count: dropped) }
        pending = []
    }
}
