/// Parses JSON text (RFC 8259) straight into a ``JSONValue``.
///
/// Ingest parses every record it receives, so this reads bytes directly instead of going through
/// `Codable`: a number without fraction or exponent that fits in 64 bits becomes `.integer`, any
/// other number `.double`; strings must be valid UTF-8 with valid escapes (a lone surrogate is an
/// error); a repeated object key keeps its last value; nesting is bounded by ``maximumDepth``.
public enum JSONParser {
    /// The deepest nesting of arrays and objects accepted.
    public static let maximumDepth = 512

    /// Why text is not JSON: what was found, and the byte offset where it was found.
    public struct SyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The byte offset into the text where parsing stopped.
        public var offset: Int
        /// What is wrong, without quoting the input beyond one character.
        public var reason: String

        /// Creates a syntax error.
        public init(offset: Int, reason: String) {
            self.offset = offset
            self.reason = reason
        }

        /// The reason and where, e.g. `unterminated string at byte 17`.
        public var description: String { "\(reason) at byte \(offset)" }
    }

    /// Parses one JSON value that fills the whole of `bytes`, give or take surrounding whitespace.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(SyntaxError) -> JSONValue {
        try JSONReader.whole(bytes) { reader throws(SyntaxError) in try reader.value(depth: 0) }
    }

    /// Parses one JSON value held in any byte collection (copied once if not contiguous).
    public static func parse(_ bytes: some Collection<UInt8>) throws(SyntaxError) -> JSONValue {
        let parseBuffer = { (buffer: UnsafeBufferPointer<UInt8>) in
            Result { () throws(SyntaxError) in try parse(UnsafeRawBufferPointer(buffer)) }
        }
        let result =
            bytes.withContiguousStorageIfAvailable(parseBuffer) ?? Array(bytes).withUnsafeBufferPointer(parseBuffer)
        return try result.get()
    }
}

/// The cursor that ``JSONParser`` moves over the bytes.
struct JSONReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    var isAtEnd: Bool { index == bytes.count }

    /// What `read` reads from one value that fills the whole of `bytes`, give or take surrounding
    /// whitespace.
    static func whole<Value>(
        _ bytes: UnsafeRawBufferPointer, _ read: (inout JSONReader) throws(JSONParser.SyntaxError) -> Value
    ) throws(JSONParser.SyntaxError) -> Value {
        var reader = JSONReader(bytes: bytes.bindMemory(to: UInt8.self))
        reader.skipWhitespace()
        let value = try read(&reader)
        reader.skipWhitespace()
        guard reader.isAtEnd else {
            throw reader.error("unexpected \(reader.describeCurrent()) after the value")
        }
        return value
    }

    func error(_ reason: String) -> JSONParser.SyntaxError {
        JSONParser.SyntaxError(offset: index, reason: reason)
    }

    func describeCurrent() -> String {
        guard index < bytes.count else { return "end of input" }
        let byte = bytes[index]
        if byte >= 0x21 && byte < 0x7F { return "character '\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x\(String(byte, radix: 16, uppercase: true))"
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): index += 1
            default: return
            }
        }
    }

    mutating func value(depth: Int) throws(JSONParser.SyntaxError) -> JSONValue {
        guard index < bytes.count else { throw error("unexpected end of input, expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw error("unexpected \(describeCurrent()), expected a value")
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONParser.SyntaxError) {
        let count = word.utf8CodeUnitCount
        guard bytes.count - index >= count,
            UnsafeBufferPointer(rebasing: bytes[index..<index + count]).elementsEqual(
                UnsafeBufferPointer(start: word.utf8Start, count: count))
        else { throw error("invalid literal, expected \(word)") }
        index += count
    }

    private mutating func object(depth: Int) throws(JSONParser.SyntaxError) -> JSONValue {
        if try open(depth: depth, closing: UInt8(ascii: "}")) { return .object([:]) }
        var members: [(String, JSONValue)] = []
        members.reserveCapacity(8)
        repeat {
            try expectKey()
            let key = try string()
            try stepOverColon()
            members.append((key, try value(depth: depth)))
        } while try another(closing: UInt8(ascii: "}"))
        return .object(Dictionary(members) { _, last in last })
    }

    /// Throws unless a member's key, a string, starts at `index`.
    func expectKey() throws(JSONParser.SyntaxError) {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
            throw error("unexpected \(describeCurrent()), expected a string key")
        }
    }

    /// Steps over the colon after a member's key, and the whitespace around it.
    mutating func stepOverColon() throws(JSONParser.SyntaxError) {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
            throw error("unexpected \(describeCurrent()), expected ':'")
        }
        index += 1
        skipWhitespace()
    }

    private mutating func array(depth: Int) throws(JSONParser.SyntaxError) -> JSONValue {
        var elements: [JSONValue] = []
        if try open(depth: depth, closing: UInt8(ascii: "]")) { return .array(elements) }
        repeat {
            elements.append(try value(depth: depth))
        } while try another(closing: UInt8(ascii: "]"))
        return .array(elements)
    }

    /// Steps into an object or array at its opening bracket; true when it closes at once.
    mutating func open(depth: Int, closing: UInt8) throws(JSONParser.SyntaxError) -> Bool {
        guard depth <= JSONParser.maximumDepth else { throw error("nested more than \(JSONParser.maximumDepth) deep") }
        index += 1
        skipWhitespace()
        guard index < bytes.count && bytes[index] == closing else { return false }
        index += 1
        return true
    }

    /// After a member or element: true when a comma brings another, false when `closing` ends the
    /// object or array.
    mutating func another(closing: UInt8) throws(JSONParser.SyntaxError) -> Bool {
        skipWhitespace()
        let expected = "',' or '\(Character(Unicode.Scalar(closing)))'"
        guard index < bytes.count else { throw error("unexpected end of input, expected \(expected)") }
        switch bytes[index] {
        case UInt8(ascii: ","):
            index += 1
            skipWhitespace()
            return true
        case closing:
            index += 1
            return false
        default: throw error("unexpected \(describeCurrent()), expected \(expected)")
        }
    }

    /// Reads a string whose opening quote is at `index`; escapes are decoded, UTF-8 is validated.
    mutating func string() throws(JSONParser.SyntaxError) -> String {
        let start = index
        index += 1
        let contentStart = index
        var bitsSeen: UInt8 = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let content = UnsafeBufferPointer(rebasing: bytes[contentStart..<index])
                index += 1
                // ASCII is valid UTF-8 as it stands; only other bytes need validating.
                if bitsSeen < 0x80 { return String(decoding: content, as: UTF8.self) }
                return try validated(content, startingAt: contentStart)
            }
            if byte == UInt8(ascii: "\\") { return try escapedString(from: contentStart) }
            if byte < 0x20 { throw error("unescaped control character in string") }
            bitsSeen |= byte
            index += 1
        }
        index = start
        throw error("unterminated string")
    }

    private mutating func escapedString(from contentStart: Int) throws(JSONParser.SyntaxError) -> String {
        var decoded = Array(UnsafeBufferPointer(rebasing: bytes[contentStart..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return try decoded.withUnsafeBufferPointer { buffer throws(JSONParser.SyntaxError) in
                    try validated(buffer, startingAt: contentStart)
                }
            case UInt8(ascii: "\\"):
                try appendEscape(to: &decoded)
            case ..<0x20:
                throw error("unescaped control character in string")
            default:
                decoded.append(byte)
                index += 1
            }
        }
        throw error("unterminated string")
    }

    private mutating func appendEscape(to decoded: inout [UInt8]) throws(JSONParser.SyntaxError) {
        guard index + 1 < bytes.count else { throw error("unterminated escape") }
        let escape = bytes[index + 1]
        let simple: UInt8? =
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): escape
            case UInt8(ascii: "b"): 0x08
            case UInt8(ascii: "f"): 0x0C
            case UInt8(ascii: "n"): 0x0A
            case UInt8(ascii: "r"): 0x0D
            case UInt8(ascii: "t"): 0x09
            default: nil
            }
        if let simple {
            decoded.append(simple)
            index += 2
            return
        }
        guard escape == UInt8(ascii: "u") else { throw error("invalid escape sequence") }
        let first = try hexQuad(at: index + 2)
        var scalarValue = UInt32(first)
        var length = 6
        if (0xD800..<0xDC00).contains(first) {
            guard index + 7 < bytes.count, bytes[index + 6] == UInt8(ascii: "\\"), bytes[index + 7] == UInt8(ascii: "u")
            else { throw error("high surrogate escape without a low surrogate") }
            let second = try hexQuad(at: index + 8)
            guard (0xDC00..<0xE000).contains(second) else {
                throw error("high surrogate escape without a low surrogate")
            }
            scalarValue = 0x10000 + ((UInt32(first) - 0xD800) << 10) + (UInt32(second) - 0xDC00)
            length = 12
        } else if (0xDC00..<0xE000).contains(first) {
            throw error("low surrogate escape without a high surrogate")
        }
        // Surrogates are excluded above, so every remaining value is a valid scalar.
        decoded.append(contentsOf: Unicode.Scalar(scalarValue)!.utf8)
        index += length
    }

    private func hexQuad(at offset: Int) throws(JSONParser.SyntaxError) -> UInt16 {
        guard offset + 4 <= bytes.count else { throw error("invalid \\u escape") }
        var value: UInt16 = 0
        for byte in bytes[offset..<offset + 4] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("invalid \\u escape")
            }
            value = value << 4 | UInt16(digit)
        }
        return value
    }

    private func validated(_ content: UnsafeBufferPointer<UInt8>, startingAt offset: Int) throws(JSONParser.SyntaxError)
        -> String
    {
        guard let text = String(validating: content, as: UTF8.self) else {
            throw JSONParser.SyntaxError(offset: offset, reason: "string is not valid UTF-8")
        }
        return text
    }

    private mutating func number() throws(JSONParser.SyntaxError) -> JSONValue {
        let start = index
        var negative = false
        if bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        guard index < bytes.count, isDigit(bytes[index]) else { throw error("invalid number, expected a digit") }
        var magnitude: UInt64 = 0
        var fitsInteger = true
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count && isDigit(bytes[index]) { throw error("invalid number, leading zero") }
        } else {
            while index < bytes.count && isDigit(bytes[index]) {
                let (times10, overflowTimes) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, overflowPlus) = times10.addingReportingOverflow(UInt64(bytes[index] - UInt8(ascii: "0")))
                if overflowTimes || overflowPlus { fitsInteger = false }
                magnitude = sum
                index += 1
            }
        }
        var isInteger = true
        if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            try digits(after: "'.'")
        }
        if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            isInteger = false
            index += 1
            if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) {
                index += 1
            }
            try digits(after: "the exponent")
        }
        if isInteger && fitsInteger {
            if !negative && magnitude <= UInt64(Int64.max) { return .integer(Int64(magnitude)) }
            if negative && magnitude <= UInt64(Int64.max) + 1 {
                return .integer(Int64(truncatingIfNeeded: 0 &- magnitude))
            }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let double = Double(text), double.isFinite else {
            index = start
            throw error("number out of range")
        }
        return .double(double)
    }

    private mutating func digits(after what: String) throws(JSONParser.SyntaxError) {
        guard index < bytes.count, isDigit(bytes[index]) else {
            throw error("invalid number, expected a digit after \(what)")
        }
        while index < bytes.count && isDigit(bytes[index]) { index += 1 }
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
