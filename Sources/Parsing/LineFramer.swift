/// Cuts a byte stream that arrives in chunks into lines (LF or CRLF), holding at most
/// `maxLineBytes` of an unfinished line: a longer line is reported by its length and its bytes are
/// dropped as they arrive, so memory stays bounded whatever the input.
public struct LineFramer: Sendable {
    /// One line of the stream.
    public enum Line: Sendable, Hashable {
        /// A complete line, without its line end.
        case line([UInt8])
        /// A line longer than the limit, and how long it was.
        case tooLong(bytes: Int)
    }

    /// The longest line handed over whole.
    public let maxLineBytes: Int
    private var partial: [UInt8] = []
    private var overflow = 0

    /// Creates a framer.
    public init(maxLineBytes: Int) {
        self.maxLineBytes = maxLineBytes
    }

    /// Hands every line that `bytes` completes to `handle`, and keeps the rest.
    public mutating func feed<E: Error>(_ bytes: UnsafeRawBufferPointer, _ handle: (Line) throws(E) -> Void) throws(E) {
        var start = 0
        while start < bytes.count {
            guard let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) else {
                keep(UnsafeRawBufferPointer(rebasing: bytes[start...]))
                return
            }
            keep(UnsafeRawBufferPointer(rebasing: bytes[start..<newline]))
            try handle(takeLine())
            start = newline + 1
        }
    }

    /// Hands over the last line when the stream does not end with a line end.
    public mutating func finish<E: Error>(_ handle: (Line) throws(E) -> Void) throws(E) {
        guard !partial.isEmpty || overflow > 0 else { return }
        try handle(takeLine())
    }

    private mutating func keep(_ bytes: UnsafeRawBufferPointer) {
        if overflow > 0 || partial.count + bytes.count > maxLineBytes + 1 {
            overflow += partial.count + bytes.count
            partial = []
        } else {
            partial.append(contentsOf: bytes)
        }
    }

    private mutating func takeLine() -> Line {
        defer {
            partial = []
            overflow = 0
        }
        if partial.last == UInt8(ascii: "\r") { partial.removeLast() }
        guard overflow == 0, partial.count <= maxLineBytes else { return .tooLong(bytes: overflow + partial.count) }
        return .line(partial)
    }
}
