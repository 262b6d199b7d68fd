import CSnappy

/// Snappy's block format (not its framing format), which Loki's protobuf push is compressed with.
public enum SnappyBlock {
    /// Why a body could not be decompressed.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// The body is not Snappy's block format.
        case invalid
        /// The body says it decompresses to `bytes`, more than the limit allows.
        case tooLarge(bytes: Int)

        /// What is wrong, for a problem's detail.
        public var description: String {
            switch self {
            case .invalid: "the body is not Snappy-compressed (block format)"
            case .tooLarge(let bytes): "the body decompresses to \(bytes) bytes"
            }
        }
    }

    /// `bytes` compressed, as a Loki client sends a push (for tests and benchmarks).
    public static func compress(_ bytes: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: snappy_max_compressed_length(bytes.count))
        var length = output.count
        bytes.withUnsafeBufferPointer { input in
            input.withMemoryRebound(to: CChar.self) { source in
                output.withUnsafeMutableBufferPointer { target in
                    target.withMemoryRebound(to: CChar.self) {
                        _ = snappy_compress(source.baseAddress, source.count, $0.baseAddress, &length)
                    }
                }
            }
        }
        return Array(output.prefix(length))
    }

    /// The decompressed bytes of `compressed`, refused before any work when they would be more than
    /// `limit` bytes (the length is the first thing in the block), so a small body cannot take much
    /// memory.
    public static func decompress(_ compressed: [UInt8], limit: Int) throws(Failure) -> [UInt8] {
        guard !compressed.isEmpty else { throw .invalid }
        var length = 0
        let read = compressed.withUnsafeBufferPointer { input in
            input.withMemoryRebound(to: CChar.self) {
                snappy_uncompressed_length($0.baseAddress, $0.count, &length)
            }
        }
        guard read == SNAPPY_OK else { throw .invalid }
        guard length <= limit else { throw .tooLarge(bytes: length) }
        var output = [UInt8](repeating: 0, count: length)
        var written = length
        let status = compressed.withUnsafeBufferPointer { input in
            input.withMemoryRebound(to: CChar.self) { source in
                output.withUnsafeMutableBufferPointer { target in
                    target.withMemoryRebound(to: CChar.self) {
                        snappy_uncompress(source.baseAddress, source.count, $0.baseAddress, &written)
                    }
                }
            }
        }
        guard status == SNAPPY_OK, written == length else { throw .invalid }
        return output
    }
}
