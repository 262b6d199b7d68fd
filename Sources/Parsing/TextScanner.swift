/// Reads a line's UTF-8 bytes from left to right: fixed-width numbers, words, quoted fields.
struct TextScanner {
    let bytes: [UInt8]
    var index: Int

    init(_ text: String, from index: Int = 0) {
        bytes = Array(text.utf8)
        self.index = index
    }

    init(bytes: [UInt8], from index: Int = 0) {
        self.bytes = bytes
        self.index = index
    }

    var atEnd: Bool { index >= bytes.count }
    var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    /// Steps over `byte` if it is next.
    mutating func skip(_ byte: UInt8) -> Bool {
        guard current == byte else { return false }
        index += 1
        return true
    }

    /// Steps over `text` if it comes next.
    mutating func skip(_ text: String) -> Bool {
        let expected = Array(text.utf8)
        guard index + expected.count <= bytes.count, bytes[index..<index + expected.count].elementsEqual(expected)
        else { return false }
        index += expected.count
        return true
    }

    /// Steps over spaces and tabs; returns how many.
    @discardableResult
    mutating func skipSpaces() -> Int {
        let start = index
        while let byte = current, byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { index += 1 }
        return index - start
    }

    /// A number of exactly `digits` decimal digits.
    mutating func number(digits: Int) -> Int64? {
        guard index + digits <= bytes.count else { return nil }
        var value: Int64 = 0
        for byte in bytes[index..<index + digits] {
            guard Self.isDigit(byte) else { return nil }
            value = value * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        index += digits
        return value
    }

    /// A run of one to `maxDigits` decimal digits.
    mutating func number(maxDigits: Int) -> (value: Int64, digits: Int)? {
        var value: Int64 = 0
        var count = 0
        while count < maxDigits, let byte = current, Self.isDigit(byte) {
            value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            count += 1
            index += 1
        }
        return count == 0 ? nil : (value, count)
    }

    /// Digits after a decimal separator, as microseconds (extra digits dropped).
    mutating func fractionMicroseconds() -> Int64? {
        guard let (value, digits) = number(maxDigits: 18) else { return nil }
        var micros = value
        if digits > 6 {
            for _ in 6..<digits { micros /= 10 }
        } else {
            for _ in digits..<6 { micros *= 10 }
        }
        return micros
    }

    /// The bytes up to the next space or tab (or the end), as text; nil when there are none.
    mutating func word() -> String? {
        let start = index
        while let byte = current, byte != UInt8(ascii: " "), byte != UInt8(ascii: "\t") { index += 1 }
        return index > start ? text(start..<index) : nil
    }

    /// The bytes up to `terminator` (not included, not consumed), or nil when it never comes.
    mutating func upTo(_ terminator: UInt8) -> String? {
        guard let end = bytes[index...].firstIndex(of: terminator) else { return nil }
        defer { index = end }
        return text(index..<end)
    }

    /// A field in double quotes in which a backslash before `"`, `\\` or one of `alsoEscaped`
    /// stands for that character; nil without the closing quote.
    mutating func quoted(alsoEscaped: UInt8? = nil) -> String? {
        guard skip(UInt8(ascii: "\"")) else { return nil }
        var value: [UInt8] = []
        while let byte = current {
            index += 1
            switch byte {
            case UInt8(ascii: "\""): return String(decoding: value, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let next = current else { return nil }
                index += 1
                if next != UInt8(ascii: "\"") && next != UInt8(ascii: "\\") && next != alsoEscaped {
                    value.append(byte)
                }
                value.append(next)
            default: value.append(byte)
            }
        }
        return nil
    }

    /// The rest of the line, as text.
    mutating func rest() -> String {
        defer { index = bytes.count }
        return text(min(index, bytes.count)..<bytes.count)
    }

    /// A three-letter English month abbreviation (`Jan` ... `Dec`, any case), as 1-12.
    mutating func month() -> Int64? {
        guard index + 3 <= bytes.count else { return nil }
        let key = String(decoding: bytes[index..<index + 3], as: UTF8.self).lowercased()
        guard let number = Self.months.firstIndex(of: key) else { return nil }
        index += 3
        return Int64(number + 1)
    }

    func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

    static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
}
