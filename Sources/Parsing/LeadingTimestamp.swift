public import LogModel

/// Finds the timestamp near the start of a plain line, in the forms common in application and
/// system logs:
/// - ISO 8601 with `T` or a space, `.` or `,` before the fraction, optional offset
///   (`2015-10-18 18:01:47,978`), and `2005-06-03-15.42.50.675872`;
/// - `yyyy/MM/dd HH:mm:ss` and `yy/MM/dd HH:mm:ss`; `yyMMdd HHmmss`; `yyyyMMdd-H:m:s:SSS`
///   (hour, minute and second of one or two digits, then milliseconds);
/// - `MMM d HH:mm:ss` and `MM-dd HH:mm:ss.SSS`, whose year is resolved against receipt;
/// - `Www MMM dd HH:mm:ss yyyy` (ctime), `dd/MMM/yyyy:HH:mm:ss ±zzzz`, `dd-MMM-yyyy HH:mm:ss.SSS`;
/// - epoch seconds or milliseconds (10 or 13 digits, between 2000 and 2100), as one of the first
///   five words.
/// A timestamp may be in square brackets. Times without an offset are UTC.
public enum LeadingTimestamp {
    /// A timestamp found and the byte offset just past it.
    public struct Match: Sendable, Hashable {
        /// The instant.
        public var timestamp: Timestamp
        /// Where the word that starts the timestamp begins.
        public var start: Int
        /// Where the timestamp ends (past a closing bracket, if any).
        public var end: Int
    }

    /// The first timestamp that starts one of the first four words of the line (five for epoch
    /// numbers).
    public static func find(in bytes: [UInt8], context: ParseContext) -> Match? {
        var starts: [Int] = []
        var index = 0
        while starts.count < 5, index < bytes.count {
            while index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") {
                index += 1
            }
            guard index < bytes.count else { break }
            starts.append(index)
            while index < bytes.count, bytes[index] != UInt8(ascii: " "), bytes[index] != UInt8(ascii: "\t") {
                index += 1
            }
        }
        for (position, start) in starts.enumerated() {
            var scanner = TextScanner(bytes: bytes, from: start)
            let bracketed = scanner.skip(UInt8(ascii: "["))
            let from = scanner.index
            for form in forms where position < 4 {
                scanner.index = from
                guard let timestamp = form(&scanner, context) else { continue }
                if bracketed { _ = scanner.skip(UInt8(ascii: "]")) }
                return Match(timestamp: timestamp, start: start, end: scanner.index)
            }
            scanner.index = from
            if let timestamp = epoch(&scanner) {
                if bracketed { _ = scanner.skip(UInt8(ascii: "]")) }
                return Match(timestamp: timestamp, start: start, end: scanner.index)
            }
        }
        return nil
    }

    private typealias Form = @Sendable (inout TextScanner, ParseContext) -> Timestamp?

    private static let forms: [Form] = [
        { scanner, _ in iso(&scanner) },
        { scanner, _ in slashed(&scanner) },
        { scanner, _ in compact(&scanner) },
        { scanner, _ in dashedCompact(&scanner) },
        { scanner, context in monthDayTime(&scanner, context) },
        { scanner, context in numericMonthDay(&scanner, context) },
        { scanner, _ in ctime(&scanner) },
        { scanner, _ in dayMonthYear(&scanner) },
    ]

    private static let colon = UInt8(ascii: ":")

    /// `HH:mm:ss` and an optional `.fff` or `,fff`.
    private static func clock(_ scanner: inout TextScanner, separator: UInt8 = colon) -> (Int64, Int64, Int64, Int64)? {
        guard let hour = scanner.number(digits: 2), scanner.skip(separator), let minute = scanner.number(digits: 2),
            scanner.skip(separator), let second = scanner.number(digits: 2)
        else { return nil }
        let mark = scanner.index
        if scanner.skip(UInt8(ascii: ".")) || scanner.skip(UInt8(ascii: ",")) {
            if let fraction = scanner.fractionMicroseconds() { return (hour, minute, second, fraction) }
            scanner.index = mark
        }
        return (hour, minute, second, 0)
    }

    /// `Z`, `±HH:MM` or `±HHMM`, or nothing (UTC).
    private static func offset(_ scanner: inout TextScanner) -> Int64 {
        if scanner.skip(UInt8(ascii: "Z")) { return 0 }
        let mark = scanner.index
        let sign: Int64 = scanner.skip(UInt8(ascii: "+")) ? 1 : scanner.skip(UInt8(ascii: "-")) ? -1 : 0
        guard sign != 0, let hours = scanner.number(digits: 2) else {
            scanner.index = mark
            return 0
        }
        _ = scanner.skip(colon)
        guard let minutes = scanner.number(digits: 2) else {
            scanner.index = mark
            return 0
        }
        return sign * (hours * 3600 + minutes * 60)
    }

    /// `yyyy-MM-dd[T ]HH:mm:ss[.f][offset]` and `yyyy-MM-dd-HH.mm.ss.f`.
    private static func iso(_ scanner: inout TextScanner) -> Timestamp? {
        guard let year = scanner.number(digits: 4), scanner.skip(UInt8(ascii: "-")),
            let month = scanner.number(digits: 2), scanner.skip(UInt8(ascii: "-")), let day = scanner.number(digits: 2)
        else { return nil }
        if scanner.skip(UInt8(ascii: "-")) {
            guard let (hour, minute, second, micro) = clock(&scanner, separator: UInt8(ascii: ".")) else { return nil }
            return Timestamp(
                year: year, month: month, day: day, hour: hour, minute: minute, second: second, microsecond: micro)
        }
        guard scanner.skip(UInt8(ascii: "T")) || scanner.skip(UInt8(ascii: " ")),
            let (hour, minute, second, micro) = clock(&scanner)
        else { return nil }
        let offsetSeconds = offset(&scanner)
        return Timestamp(
            year: year, month: month, day: day, hour: hour, minute: minute, second: second, microsecond: micro,
            offsetSeconds: offsetSeconds)
    }

    /// `yyyy/MM/dd HH:mm:ss` or `yy/MM/dd HH:mm:ss` (20yy).
    private static func slashed(_ scanner: inout TextScanner) -> Timestamp? {
        guard let (first, digits) = scanner.number(maxDigits: 4), digits == 4 || digits == 2,
            scanner.skip(UInt8(ascii: "/")), let month = scanner.number(digits: 2), scanner.skip(UInt8(ascii: "/")),
            let day = scanner.number(digits: 2), scanner.skip(UInt8(ascii: " ")) || scanner.skip(colon),
            let (hour, minute, second, micro) = clock(&scanner)
        else { return nil }
        let year = digits == 2 ? 2000 + first : first
        return Timestamp(
            year: year, month: month, day: day, hour: hour, minute: minute, second: second, microsecond: micro)
    }

    /// `yyMMdd HHmmss` (20yy).
    private static func compact(_ scanner: inout TextScanner) -> Timestamp? {
        guard let year = scanner.number(digits: 2), let month = scanner.number(digits: 2),
            let day = scanner.number(digits: 2), scanner.skip(UInt8(ascii: " ")), let hour = scanner.number(digits: 2),
            let minute = scanner.number(digits: 2), let second = scanner.number(digits: 2),
            scanner.atEnd || scanner.current == UInt8(ascii: " ")
        else { return nil }
        return Timestamp(year: 2000 + year, month: month, day: day, hour: hour, minute: minute, second: second)
    }

    /// `yyyyMMdd-H:m:s:SSS`, the last part a count of milliseconds.
    private static func dashedCompact(_ scanner: inout TextScanner) -> Timestamp? {
        guard let year = scanner.number(digits: 4), let month = scanner.number(digits: 2),
            let day = scanner.number(digits: 2), scanner.skip(UInt8(ascii: "-")),
            let (hour, _) = scanner.number(maxDigits: 2), scanner.skip(colon),
            let (minute, _) = scanner.number(maxDigits: 2), scanner.skip(colon),
            let (second, _) = scanner.number(maxDigits: 2), scanner.skip(colon),
            let (milliseconds, _) = scanner.number(maxDigits: 3)
        else { return nil }
        return Timestamp(
            year: year, month: month, day: day, hour: hour, minute: minute, second: second,
            microsecond: milliseconds * 1000)
    }

    /// `MMM d HH:mm:ss`, year resolved against receipt.
    private static func monthDayTime(_ scanner: inout TextScanner, _ context: ParseContext) -> Timestamp? {
        guard let month = scanner.month(), scanner.skipSpaces() > 0, let (day, _) = scanner.number(maxDigits: 2),
            scanner.skipSpaces() > 0, let (hour, minute, second, micro) = clock(&scanner)
        else { return nil }
        return context.resolvingYear(
            month: month, day: day, hour: hour, minute: minute, second: second, microsecond: micro)
    }

    /// `MM-dd HH:mm:ss.SSS` (Android's logcat), year resolved against receipt.
    private static func numericMonthDay(_ scanner: inout TextScanner, _ context: ParseContext) -> Timestamp? {
        guard let month = scanner.number(digits: 2), scanner.skip(UInt8(ascii: "-")),
            let day = scanner.number(digits: 2), scanner.skip(UInt8(ascii: " ")),
            let (hour, minute, second, micro) = clock(&scanner)
        else { return nil }
        return context.resolvingYear(
            month: month, day: day, hour: hour, minute: minute, second: second, microsecond: micro)
    }

    /// `Sun Dec 04 04:47:44 2005`.
    private static func ctime(_ scanner: inout TextScanner) -> Timestamp? {
        guard scanner.index + 4 <= scanner.bytes.count,
            scanner.bytes[scanner.index..<scanner.index + 3].allSatisfy({ $0 >= 0x41 && $0 <= 0x7A })
        else { return nil }
        scanner.index += 3
        guard scanner.skip(UInt8(ascii: " ")), let month = scanner.month(), scanner.skipSpaces() > 0,
            let (day, _) = scanner.number(maxDigits: 2), scanner.skipSpaces() > 0,
            let (hour, minute, second, micro) = clock(&scanner), scanner.skip(UInt8(ascii: " ")),
            let year = scanner.number(digits: 4)
        else { return nil }
        return Timestamp(
            year: year, month: month, day: day, hour: hour, minute: minute, second: second, microsecond: micro)
    }

    /// `dd/MMM/yyyy:HH:mm:ss ±zzzz` and `dd-MMM-yyyy HH:mm:ss.SSS`.
    private static func dayMonthYear(_ scanner: inout TextScanner) -> Timestamp? {
        guard let day = scanner.number(digits: 2), let separator = scanner.current,
            separator == UInt8(ascii: "/") || separator == UInt8(ascii: "-")
        else { return nil }
        scanner.index += 1
        guard let month = scanner.month(), scanner.skip(separator), let year = scanner.number(digits: 4),
            scanner.skip(colon) || scanner.skip(UInt8(ascii: " ")), let (hour, minute, second, micro) = clock(&scanner)
        else { return nil }
        let mark = scanner.index
        var offsetSeconds: Int64 = 0
        if scanner.skip(UInt8(ascii: " ")) {
            let afterSpace = scanner.index
            offsetSeconds = offset(&scanner)
            if scanner.index == afterSpace { scanner.index = mark }
        }
        return Timestamp(
            year: year, month: month, day: day, hour: hour, minute: minute, second: second, microsecond: micro,
            offsetSeconds: offsetSeconds)
    }

    /// Epoch seconds (10 digits, optional fraction) or milliseconds (13 digits) from 2000 to 2100,
    /// as a whole word.
    private static func epoch(_ scanner: inout TextScanner) -> Timestamp? {
        guard let (value, digits) = scanner.number(maxDigits: 13), digits == 10 || digits == 13 else { return nil }
        var microseconds = digits == 10 ? value * 1_000_000 : value * 1000
        if digits == 10, scanner.skip(UInt8(ascii: ".")) {
            guard let fraction = scanner.fractionMicroseconds() else { return nil }
            microseconds += fraction
        }
        guard scanner.atEnd || scanner.current == UInt8(ascii: " ") || scanner.current == UInt8(ascii: "]"),
            (946_684_800_000_000..<4_102_444_800_000_000).contains(microseconds)
        else { return nil }
        return Timestamp(microseconds: microseconds)
    }
}
