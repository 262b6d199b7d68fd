import HTTPTypes
import NIOCore

/// Splits a JSON body that arrives in chunks into its top-level items, so that an array is decoded
/// one element at a time as it arrives and its item limit applies before the rest is read or
/// parsed: a 10 MB array of tiny values is refused after its first items over the limit, not after
/// building a tree of millions of values.
///
/// The body's first non-blank byte decides: `[` hands over each element's bytes as soon as the `,`
/// or `]` after it arrives (only an element that spans chunks is copied); anything else (one object)
/// is kept and handed over whole at the end. Element bytes are found by tracking strings, escapes
/// and bracket depth only; the elements themselves are parsed, and so checked, by the caller.
struct JSONArrayItems: BodySplitter {
    private enum State {
        case start
        case whole
        case beforeElement(first: Bool)
        case element(depth: Int, inString: Bool, escaped: Bool)
        case end
    }

    /// One item: an array element and where it starts in the body, or the whole of a body that is not an array.
    struct Item {
        var bytes: UnsafeRawBufferPointer
        /// The element's byte offset; nil for a whole body.
        var offset: Int?
    }

    private var state = State.start
    private var partial: [UInt8] = []
    private var offset = 0
    private var elementStart = 0

    /// Hands over a single object body, and checks that an array body was closed.
    mutating func finish(_ handle: (Item) throws(Problem) -> Void) throws(Problem) {
        switch state {
        case .whole:
            let body = partial
            partial = []
            try body.withUnsafeBytes { bytes in
                Result { () throws(Problem) in try handle(Item(bytes: bytes, offset: nil)) }
            }
            .get()
        case .end: return
        case .start: throw Self.invalid("unexpected end of input, expected a value", at: offset)
        default: throw Self.invalid("unexpected end of input, expected ']'", at: offset)
        }
    }

    /// Hands every element that `bytes` completes to `handle`.
    mutating func scan(_ bytes: UnsafeRawBufferPointer, _ handle: (Item) throws(Problem) -> Void) throws(Problem) {
        var chunkStart: Int?
        for (index, byte) in bytes.enumerated() {
            defer { offset += 1 }
            switch state {
            case .whole:
                return keep(bytes, from: index)
            case .start:
                if Self.isBlank(byte) { continue }
                guard byte == UInt8(ascii: "[") else {
                    state = .whole
                    return keep(bytes, from: index)
                }
                state = .beforeElement(first: true)
            case .beforeElement(let first):
                if Self.isBlank(byte) { continue }
                if byte == UInt8(ascii: "]"), first {
                    state = .end
                    continue
                }
                if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]") {
                    throw Self.invalid("expected a value before '\(Character(Unicode.Scalar(byte)))'", at: offset)
                }
                elementStart = offset
                chunkStart = index
                state = .element(depth: 0, inString: false, escaped: false)
                try step(byte, depth: 0, inString: false, escaped: false)
            case .element(let depth, let inString, let escaped):
                if chunkStart == nil { chunkStart = index }
                if !inString, depth == 0, byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]") {
                    let start = chunkStart ?? index
                    try emit(UnsafeRawBufferPointer(rebasing: bytes[start..<index]), handle)
                    chunkStart = nil
                    state = byte == UInt8(ascii: ",") ? .beforeElement(first: false) : .end
                    continue
                }
                try step(byte, depth: depth, inString: inString, escaped: escaped)
            case .end:
                if !Self.isBlank(byte) {
                    throw Self.invalid("unexpected byte 0x\(String(byte, radix: 16)) after the array", at: offset)
                }
            }
        }
        if case .element = state, let chunkStart {
            partial.append(contentsOf: bytes[chunkStart...])
        }
    }

    /// Keeps the rest of a body that is not an array, from `index` of this chunk, for ``finish(_:)``.
    private mutating func keep(_ bytes: UnsafeRawBufferPointer, from index: Int) {
        partial.append(contentsOf: bytes[index...])
        offset += bytes.count - index - 1
    }

    /// Moves the element's state past one byte of it.
    private mutating func step(_ byte: UInt8, depth: Int, inString: Bool, escaped: Bool) throws(Problem) {
        if inString {
            state = .element(
                depth: depth, inString: escaped || byte != UInt8(ascii: "\""),
                escaped: !escaped && byte == UInt8(ascii: "\\"))
            return
        }
        switch byte {
        case UInt8(ascii: "\""): state = .element(depth: depth, inString: true, escaped: false)
        case UInt8(ascii: "["), UInt8(ascii: "{"): state = .element(depth: depth + 1, inString: false, escaped: false)
        case UInt8(ascii: "]"), UInt8(ascii: "}"):
            guard depth > 0 else { throw Self.invalid("unexpected '\(Character(Unicode.Scalar(byte)))'", at: offset) }
            state = .element(depth: depth - 1, inString: false, escaped: false)
        default: break
        }
    }

    private mutating func emit(
        _ tail: UnsafeRawBufferPointer, _ handle: (Item) throws(Problem) -> Void
    ) throws(Problem) {
        guard !partial.isEmpty else { return try handle(Item(bytes: tail, offset: elementStart)) }
        partial.append(contentsOf: tail)
        let element = partial
        partial = []
        try element.withUnsafeBytes { bytes in
            Result { () throws(Problem) in try handle(Item(bytes: bytes, offset: elementStart)) }
        }.get()
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
            || byte == UInt8(ascii: "\t")
    }

    private static func invalid(_ reason: String, at offset: Int) -> Problem {
        Problem(
            status: .badRequest, kind: "invalid-json", detail: "body is not valid JSON: \(reason) at byte \(offset)")
    }
}
