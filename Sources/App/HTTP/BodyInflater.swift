import CompressNIO
import HTTPTypes
import NIOCore

/// Inflates a gzip body chunk by chunk into windows of at most 64 KiB, so a small compressed body
/// that expands to gigabytes never sits in memory whole.
///
/// zlib does not report a stream that stops short, so ``finish()`` checks the gzip trailer: its last
/// four bytes are the inflated size modulo 2^32, which a cut body does not end with.
final class BodyInflater {
    private let decompressor: any NIODecompressor
    private var tail: [UInt8] = []
    private var inflatedBytes: UInt64 = 0

    init() throws {
        decompressor = CompressionAlgorithm.gzip().decompressor
        decompressor.window = ByteBufferAllocator().buffer(capacity: 64 * 1024)
        try decompressor.startStream()
    }

    deinit { try? decompressor.finishStream() }

    /// Inflates one chunk, handing each window of output to `handle`.
    func inflate(_ chunk: ByteBuffer, _ handle: (ByteBuffer) throws -> Void) throws {
        tail = Array((tail + chunk.readableBytesView.suffix(8)).suffix(8))
        var input = chunk
        do {
            try input.decompressStream(with: decompressor) { window in
                inflatedBytes += UInt64(window.readableBytes)
                try handle(window)
            }
        } catch let error as CompressNIOError {
            throw Self.invalid(error == .corruptData ? "corrupt data" : "\(error)")
        }
    }

    /// Checks that the body ended where its gzip stream does.
    func finish() throws {
        let size = tail.count == 8 ? tail[4...].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) } : nil
        guard size == UInt32(truncatingIfNeeded: inflatedBytes) else { throw Self.invalid("the stream is cut short") }
    }

    /// Whether a body starts with the gzip magic number.
    static func isGzip(_ chunk: ByteBuffer) -> Bool {
        chunk.getBytes(at: chunk.readerIndex, length: 2) == [0x1F, 0x8B]
    }

    /// Whether `Content-Encoding` says gzip; false without one or for `identity`.
    /// - Throws: 415 for any other coding.
    static func isDeclaredGzip(_ headers: HTTPFields) throws -> Bool {
        switch headers[.contentEncoding]?.lowercased() {
        case nil, "identity": return false
        case "gzip", "x-gzip": return true
        default:
            throw Problem(
                status: .unsupportedMediaType, kind: "unsupported-encoding",
                detail: "Content-Encoding must be gzip or identity")
        }
    }

    private static func invalid(_ reason: String) -> Problem {
        Problem(status: .badRequest, kind: "invalid-encoding", detail: "the body is not valid gzip: \(reason)")
    }
}
