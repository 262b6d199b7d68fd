import NIOCore

/// One message a transport delivered, or why one could not be taken.
enum SyslogFrame: Sendable {
    /// A message's bytes, without framing.
    case message([UInt8])
    /// A message longer than the limit, dropped.
    case oversized
}

/// RFC 6587 framing on a TCP stream: octet counting (`LEN SP MSG`) when a frame starts with a digit,
/// else non-transparent framing ended by LF (or NUL; a CR before it is dropped).
///
/// Memory per connection stays under the frame limit: an octet-counted frame over it is skipped as
/// its bytes arrive, and an LF-framed one is dropped once it passes the limit without an LF.
struct SyslogFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = SyslogFrame

    let maxFrameBytes: Int
    /// Bytes of an oversized frame still to skip (octet counting), or -1 while skipping to the next
    /// LF (non-transparent framing).
    private var skipping = 0

    init(maxFrameBytes: Int) {
        self.maxFrameBytes = maxFrameBytes
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        if skipping > 0 {
            let skipped = min(skipping, buffer.readableBytes)
            buffer.moveReaderIndex(forwardBy: skipped)
            skipping -= skipped
            return skipping == 0 ? .continue : .needMoreData
        }
        if skipping < 0 {
            guard let end = buffer.readableBytesView.firstIndex(where: Self.isDelimiter) else {
                buffer.moveReaderIndex(to: buffer.writerIndex)
                return .needMoreData
            }
            buffer.moveReaderIndex(to: end + 1)
            skipping = 0
            return .continue
        }
        guard let first = buffer.readableBytesView.first else { return .needMoreData }
        if (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(first) {
            return try decodeOctetCounted(context: context, buffer: &buffer)
        }
        guard let end = buffer.readableBytesView.firstIndex(where: Self.isDelimiter) else {
            if buffer.readableBytes > maxFrameBytes {
                buffer.moveReaderIndex(to: buffer.writerIndex)
                skipping = -1
                context.fireChannelRead(wrapInboundOut(.oversized))
            }
            return .needMoreData
        }
        let length = end - buffer.readerIndex
        var bytes = buffer.readBytes(length: length) ?? []
        buffer.moveReaderIndex(forwardBy: 1)
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        if !bytes.isEmpty {
            context.fireChannelRead(wrapInboundOut(length > maxFrameBytes ? .oversized : .message(bytes)))
        }
        return .continue
    }

    private mutating func decodeOctetCounted(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws
        -> DecodingState
    {
        let view = buffer.readableBytesView
        guard let space = view.prefix(8).firstIndex(of: UInt8(ascii: " ")) else {
            if view.count >= 8 { throw SyslogFramingError() }
            return .needMoreData
        }
        guard let length = Int(String(decoding: view[view.startIndex..<space], as: UTF8.self)) else {
            throw SyslogFramingError()
        }
        let headerBytes = space - view.startIndex + 1
        if length > maxFrameBytes {
            buffer.moveReaderIndex(forwardBy: headerBytes)
            skipping = length
            context.fireChannelRead(wrapInboundOut(.oversized))
            return .continue
        }
        guard buffer.readableBytes >= headerBytes + length else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: headerBytes)
        var bytes = buffer.readBytes(length: length) ?? []
        while let last = bytes.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") { bytes.removeLast() }
        if !bytes.isEmpty { context.fireChannelRead(wrapInboundOut(.message(bytes))) }
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws
        -> DecodingState
    {
        while try decode(context: context, buffer: &buffer) == .continue {}
        if skipping == 0, buffer.readableBytes > 0, let bytes = buffer.readBytes(length: buffer.readableBytes) {
            context.fireChannelRead(wrapInboundOut(.message(bytes)))
        }
        return .needMoreData
    }

    private static func isDelimiter(_ byte: UInt8) -> Bool { byte == UInt8(ascii: "\n") || byte == 0 }
}

/// An octet-counted frame whose length is not a number of at most seven digits: the stream cannot
/// be followed any further, so the connection is closed.
struct SyslogFramingError: Error {}
