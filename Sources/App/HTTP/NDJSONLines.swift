import NIOCore

/// Splits a body that arrives in chunks into its lines, handing each complete line over without
/// copying it unless it spans chunks. Only the unfinished last line of a chunk is kept.
struct NDJSONLines {
    private var partial: [UInt8] = []

    /// Hands every line that `chunk` completes to `handle`, and keeps the rest for the next chunk.
    mutating func feed(
        _ chunk: ByteBuffer, _ handle: (UnsafeRawBufferPointer) throws(Problem) -> Void
    ) throws(Problem) {
        let result = chunk.withUnsafeReadableBytes { bytes in
            Result { () throws(Problem) in try split(bytes, handle) }
        }
        try result.get()
    }

    /// Hands over the last line when the body does not end with a newline.
    mutating func finish(_ handle: (UnsafeRawBufferPointer) throws(Problem) -> Void) throws(Problem) {
        guard !partial.isEmpty else { return }
        try handleJoinedPartial(handle)
    }

    private mutating func split(
        _ bytes: UnsafeRawBufferPointer, _ handle: (UnsafeRawBufferPointer) throws(Problem) -> Void
    ) throws(Problem) {
        var start = 0
        while let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) {
            let line = UnsafeRawBufferPointer(rebasing: bytes[start..<newline])
            if partial.isEmpty {
                try handle(line)
            } else {
                partial.append(contentsOf: line)
                try handleJoinedPartial(handle)
            }
            start = newline + 1
        }
        partial.append(contentsOf: bytes[start...])
    }

    private mutating func handleJoinedPartial(_ handle: (UnsafeRawBufferPointer) throws(Problem) -> Void)
        throws(Problem)
    {
        let line = partial
        partial = []
        try line.withUnsafeBytes { bytes in Result { () throws(Problem) in try handle(bytes) } }.get()
    }
}
