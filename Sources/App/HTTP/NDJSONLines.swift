import NIOCore

/// Splits a body that arrives in chunks into its lines, handing each complete line over without
/// copying it unless it spans chunks. Only the unfinished last line of a chunk is kept.
struct NDJSONLines: BodySplitter {
    private var partial: [UInt8] = []

    /// Hands over the last line when the body does not end with a newline.
    mutating func finish(_ handle: (UnsafeRawBufferPointer) throws(Problem) -> Void) throws(Problem) {
        guard !partial.isEmpty else { return }
        try handleJoinedPartial(handle)
    }

    /// Hands every line that `bytes` completes to `handle`, and keeps the rest for the next chunk.
    mutating func scan(
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
