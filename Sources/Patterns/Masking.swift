/// Masks the values in a token before clustering, so that lines that differ only in their values fall
/// together from the first line on.
///
/// A token is read as segments between delimiters (`=` `,` `;` `|`, brackets and quotes), so the
/// punctuation that binds a value to its name stays in the template: `(pid=42),` becomes
/// `(pid=<*>),` and `ready=true,policy=3` becomes `ready=true,policy=<*>`. A segment `name:value`
/// keeps its name, `index:12` becoming `index:<*>`. A segment is a value when it has a digit
/// (numbers, hex IDs, IP addresses and ports, UUIDs, times, durations and sizes with units), is a
/// path, a URL or an e-mail-like address, or stands between quotes; a trailing `.` `:` `!` `?`
/// (sentence punctuation) stays outside the value. Month and weekday names are values, as parts of
/// a date. Tokens are read as UTF-8 bytes: every delimiter is ASCII.
public enum Masking {
    /// The placeholder of a value in a template.
    public static let wildcard = "<*>"
    static let wildcardBytes = Array(wildcard.utf8)

    /// The token with its values replaced by ``wildcard``.
    public static func mask(_ token: Substring) -> String {
        var token = token
        return token.withUTF8(mask)
    }

    /// The token, given as its UTF-8 bytes, with its values replaced by ``wildcard``.
    static func mask(_ token: UnsafeBufferPointer<UInt8>) -> String {
        guard token.contains(where: mayMatter) else {
            return isCalendarName(token) ? wildcard : String(decoding: token, as: UTF8.self)
        }
        // A value of one byte grows the most, to the wildcard's three.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: token.count * wildcardBytes.count) { buffer in
            var output = Output(buffer: buffer)
            forEachPart(of: token) { part in
                switch part {
                case .delimiter(let byte): output.append(byte)
                case .segment(let segment, let quoted):
                    if quoted && !segment.isEmpty {
                        output.append(wildcardBytes)
                    } else {
                        mask(segment: segment, into: &output)
                    }
                }
            }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[..<output.count]), as: UTF8.self)
        }
    }

    /// Bytes written into a buffer large enough for them.
    private struct Output {
        let buffer: UnsafeMutableBufferPointer<UInt8>
        var count = 0

        mutating func append(_ byte: UInt8) {
            buffer[count] = byte
            count += 1
        }

        mutating func append(_ bytes: some Collection<UInt8>) {
            for byte in bytes { append(byte) }
        }
    }

    /// Whether the token is a unit of size or time (`KB`, `ms`), with only punctuation after it: after
    /// a number, the number's unit, which ``PatternMiner`` lets vary as a value does.
    public static func isUnit(_ token: some StringProtocol) -> Bool {
        let unit = token.utf8.prefix { isNameByte($0) && $0 != UInt8(ascii: "_") }
        guard (1...3).contains(unit.count), units.contains(String(decoding: unit, as: UTF8.self)) else { return false }
        return token.utf8.dropFirst(unit.count).allSatisfy { isDelimiter($0) || isSentencePunctuation($0) }
    }

    private static let units: Set<String> = [
        "B", "KB", "MB", "GB", "TB", "PB", "KiB", "MiB", "GiB", "TiB", "ns", "us", "µs", "ms",
    ]

    /// A piece of a token: a delimiter, or the bytes between two (inside quotes or not).
    enum Part<Segment> {
        case delimiter(UInt8)
        case segment(Segment, quoted: Bool)
    }

    /// The delimiters and segments of a token in order: two tokens with the same delimiters can be
    /// merged segment by segment.
    static func parts(of bytes: [UInt8]) -> [Part<ArraySlice<UInt8>>] {
        var parts: [Part<ArraySlice<UInt8>>] = []
        forEachPart(of: bytes) { parts.append($0) }
        return parts
    }

    /// Calls `body` with the delimiters and segments of a token in order.
    static func forEachPart<Bytes: Collection<UInt8>>(of bytes: Bytes, _ body: (Part<Bytes.SubSequence>) -> Void) {
        var quoted = false
        var start = bytes.startIndex
        for index in bytes.indices {
            let byte = bytes[index]
            guard isDelimiter(byte) else { continue }
            body(.segment(bytes[start..<index], quoted: quoted))
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") { quoted.toggle() }
            body(.delimiter(byte))
            start = bytes.index(after: index)
        }
        body(.segment(bytes[start...], quoted: false))
    }

    private static func mask(segment: Slice<UnsafeBufferPointer<UInt8>>, into output: inout Output) {
        guard !segment.isEmpty, !segment.elementsEqual(wildcardBytes) else {
            output.append(segment)
            return
        }
        var core = segment
        while core.count > 1, let last = core.last, isSentencePunctuation(last) { core = core.dropLast() }
        let tail = segment[core.endIndex...]
        if let colon = core.firstIndex(of: UInt8(ascii: ":")), colon != core.startIndex,
            core[..<colon].allSatisfy(isNameByte), colon + 1 != core.endIndex
        {
            output.append(core[...colon])
            mask(segment: core[(colon + 1)...], into: &output)
        } else if isVariable(core) {
            output.append(wildcardBytes)
        } else {
            output.append(core)
        }
        output.append(tail)
    }

    /// Whether the bytes are a value as a whole.
    static func isVariable(_ text: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        if text.contains(where: { (0x30...0x39).contains($0) }) { return true }
        let slash = UInt8(ascii: "/")
        if text.count > 1, text.first == slash, text.dropFirst().contains(slash) { return true }
        if let colon = text.firstIndex(of: UInt8(ascii: ":")), text[(colon + 1)...].starts(with: [slash, slash]) {
            return true
        }
        if let at = text.firstIndex(of: UInt8(ascii: "@")), at != text.startIndex,
            text[at...].contains(UInt8(ascii: "."))
        {
            return true
        }
        return false
    }

    /// Whether the token is the English name of a month or a weekday, in full or in three letters,
    /// capitalised: a part of a date, as its digits are.
    static func isCalendarName(_ token: UnsafeBufferPointer<UInt8>) -> Bool {
        guard (3...9).contains(token.count), let first = token.first, (0x41...0x5A).contains(first) else {
            return false
        }
        return calendarNames.contains(String(decoding: token, as: UTF8.self))
    }

    private static let calendarNames: Set<String> = {
        let months = [
            "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
            "November", "December",
        ]
        let weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
        return Set((months + weekdays).flatMap { [$0, String($0.prefix(3))] })
    }()

    /// Whether a byte can make a token other than itself: a digit, a delimiter, or a byte that
    /// starts a path, a URL or an address.
    private static func mayMatter(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || isDelimiter(byte) || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "@")
            || byte == UInt8(ascii: ":")
    }

    private static func isDelimiter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "="), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "|"), UInt8(ascii: "("),
            UInt8(ascii: ")"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"),
            UInt8(ascii: "\""), UInt8(ascii: "'"):
            true
        default: false
        }
    }

    private static func isSentencePunctuation(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "!") || byte == UInt8(ascii: "?")
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || byte == UInt8(ascii: "_") || byte >= 0x80
    }
}

extension Masking.Part: Equatable where Segment: Equatable {}
