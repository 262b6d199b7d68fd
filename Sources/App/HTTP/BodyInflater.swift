import CompressNIO
import HTTPTypes
import NIOCore

/// Inflates a gzip body chunk by chunk into windows of at most 64 KiB, so a small compressed body
/// that expands to gigabytes never sits in memory whole.
final class BodyInflater {
    private let decompressor: any NIODecompressor

    init() throws {
        decompressor = CompressionAlgorithm.gzip().decompressor
        decompressor.window = ByteBufferAllocator().buffer(capacity: 64 * 1024)
        try decompressor.startStream()
    }

    deinit { try? decompressor.finishStream() }

    /// Inflates one chunk, handing each window of output to `handle`.
    func inflate(_ chunk: ByteBuffer, _ handle: (ByteBuffer) throws -> Void) throws {
        var input = chunk
        do {
            try input.decompressStream(with: decompressor, process: handle)
        } catch let error as CompressNIOError {
            throw Problem(
                status: .badRequest, kind: "invalid-encoding",
                detail: "the body is not valid gzip: \(error == .corruptData ? "corrupt data" : "\(error)")")
        }
    }

    /// Whether a body starts with the gzip magic number.
    static func isGzip(_ chunk: ByteBuffer) -> Bool {
        chunk.getBytes(at: chunk.readerIndex, length: 2) == [0x1F, 0x8B]
    }
}
