import Foundation

/// An instant with microsecond precision, counted from the Unix epoch in UTC.
///
/// Microseconds are what PostgreSQL's `timestamptz` keeps, so a timestamp survives a round trip
/// through either store unchanged.
public struct Timestamp: Sendable, Hashable, Comparable, Codable {
    /// Microseconds since 1970-01-01T00:00:00Z.
    public var microseconds: Int64

    /// Creates a timestamp from microseconds since the epoch.
    public init(microseconds: Int64) {
        self.microseconds = microseconds
    }

    /// The instants that every part of Logsmith can store and compute with: the years 0001 to 9999.
    public static let supportedRange =
        Timestamp(microseconds: -62_135_596_800_000_000)...Timestamp(microseconds: 253_402_300_799_999_999)

    /// The current time, to the microsecond.
    public static func now() -> Timestamp {
        Timestamp(microseconds: Int64((Date().timeIntervalSince1970 * 1e6).rounded()))
    }

    /// Orders instants in time.
    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.microseconds < rhs.microseconds }

    /// Adds a number of microseconds.
    public func adding(microseconds delta: Int64) -> Timestamp {
        Timestamp(microseconds: microseconds + delta)
    }

    /// Adds a duration, to the microsecond.
    public func adding(_ duration: Duration) -> Timestamp {
        adding(
            microseconds: duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000)
    }

    /// The latest instant at or before this one that is a whole multiple of `unit` microseconds from
    /// the epoch: with a day's microseconds, the midnight (UTC) that starts its day.
    public func floored(toMultipleOf unit: Int64) -> Timestamp {
        let quotient = microseconds >= 0 ? microseconds / unit : (microseconds + 1) / unit - 1
        return Timestamp(microseconds: quotient * unit)
    }

    /// Decodes an RFC 3339 string.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let parsed = Timestamp(rfc3339: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not RFC 3339"))
        }
        self = parsed
    }

    /// Encodes as RFC 3339 in UTC with six fractional digits.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rfc3339)
    }
}

extension Timestamp {
    private static let microsecondsPerSecond: Int64 = 1_000_000
    private static let secondsPerDay: Int64 = 86_400

    /// Parses an RFC 3339 date-time: `2026-11-28T10:15:30Z`, with an optional fraction of any
    /// length (kept to microseconds), a `Z` or `±HH:MM` offset (`±HHMM` too), and a space allowed
    /// in place of `T`. A missing offset means UTC.
    public init?(rfc3339 text: String) {
        var scanner = DigitScanner(Array(text.utf8))
        guard let year = scanner.number(digits: 4), scanner.skip("-"),
            let month = scanner.number(digits: 2), scanner.skip("-"),
            let day = scanner.number(digits: 2), scanner.skip("T", "t", " "),
            let hour = scanner.number(digits: 2), scanner.skip(":"),
            let minute = scanner.number(digits: 2), scanner.skip(":"),
            let second = scanner.number(digits: 2)
        else { return nil }
        var fraction: Int64 = 0
        if scanner.skip(".", ",") {
            guard let digits = scanner.fractionMicroseconds() else { return nil }
            fraction = digits
        }
        var offsetSeconds: Int64 = 0
        if scanner.skip("Z", "z") {
            offsetSeconds = 0
        } else if let sign = scanner.sign() {
            guard let offsetHours = scanner.number(digits: 2) else { return nil }
            _ = scanner.skip(":")
            guard let offsetMinutes = scanner.number(digits: 2), offsetHours < 24, offsetMinutes < 60 else {
                return nil
            }
            offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
        }
        guard scanner.atEnd else { return nil }
        self.init(
            year: year, month: month, day: day, hour: hour, minute: minute, second: second, microsecond: fraction,
            offsetSeconds: offsetSeconds)
    }

    /// Interprets an epoch number by its magnitude: seconds (fractions allowed), milliseconds,
    /// microseconds or nanoseconds. Nil for values that are negative, not finite or too large.
    public init?(epoch value: Double) {
        guard value.isFinite, value >= 0 else { return nil }
        let microseconds: Double
        switch value {
        case ..<1e11: microseconds = value * 1e6
        case ..<1e14: microseconds = value * 1e3
        case ..<1e17: microseconds = value
        case ..<1e20: microseconds = value / 1e3
        default: return nil
        }
        self.init(microseconds: Int64(microseconds.rounded()))
    }

    /// Interprets an integral epoch number exactly, by its magnitude as in ``init(epoch:)-(Double)``.
    public init?(epoch value: Int64) {
        switch value {
        case ..<0: return nil
        case ..<100_000_000_000: self.init(microseconds: value * 1_000_000)
        case ..<100_000_000_000_000: self.init(microseconds: value * 1_000)
        case ..<100_000_000_000_000_000: self.init(microseconds: value)
        default: self.init(microseconds: value / 1_000)
        }
    }

    /// A civil date and time in UTC (less `offsetSeconds` for a local time east of UTC), or nil when a
    /// component is out of range.
    public init?(
        year: Int64, month: Int64, day: Int64, hour: Int64, minute: Int64, second: Int64, microsecond: Int64 = 0,
        offsetSeconds: Int64 = 0
    ) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...Self.daysIn(month: month, year: year)).contains(day),
            (0..<24).contains(hour), (0..<60).contains(minute), (0..<61).contains(second),
            (0..<Self.microsecondsPerSecond).contains(microsecond)
        else { return nil }
        let days = Self.daysFromCivil(year: year, month: month, day: day)
        let seconds = days * Self.secondsPerDay + hour * 3600 + minute * 60 + min(second, 59) - offsetSeconds
        self.init(microseconds: seconds * Self.microsecondsPerSecond + microsecond)
    }

    /// The year of the timestamp's date in UTC.
    public var utcYear: Int64 {
        Self.civilFromDays(Self.floorDivide(microseconds, Self.microsecondsPerSecond * Self.secondsPerDay).0).0
    }

    /// The timestamp as RFC 3339 in UTC with six fractional digits, e.g. `2026-11-28T10:15:30.000123Z`.
    public var rfc3339: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(27)
        appendRFC3339(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends ``rfc3339``'s UTF-8 bytes.
    public func appendRFC3339(to bytes: inout [UInt8]) {
        let (days, secondOfDay) = Self.floorDivide(microseconds, Self.microsecondsPerSecond * Self.secondsPerDay)
        let (year, month, day) = Self.civilFromDays(days)
        let micros = secondOfDay % Self.microsecondsPerSecond
        let seconds = secondOfDay / Self.microsecondsPerSecond
        if year < 0 { bytes.append(UInt8(ascii: "-")) }
        Self.append(abs(year), digits: 4, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        Self.append(month, digits: 2, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        Self.append(day, digits: 2, to: &bytes)
        bytes.append(UInt8(ascii: "T"))
        Self.append(seconds / 3600, digits: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        Self.append(seconds / 60 % 60, digits: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        Self.append(seconds % 60, digits: 2, to: &bytes)
        bytes.append(UInt8(ascii: "."))
        Self.append(micros, digits: 6, to: &bytes)
        bytes.append(UInt8(ascii: "Z"))
    }

    /// Appends a non-negative value's decimal digits, with leading zeros to at least `digits`.
    private static func append(_ value: Int64, digits: Int, to bytes: inout [UInt8]) {
        var width = digits
        var limit: Int64 = 1
        for _ in 1..<digits { limit *= 10 }
        while value >= limit * 10 {
            limit *= 10
            width += 1
        }
        var divisor = limit
        for _ in 0..<width {
            bytes.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
            divisor /= 10
        }
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let quotient = value >= 0 ? value / divisor : (value - divisor + 1) / divisor
        return (quotient, value - quotient * divisor)
    }

    private static func isLeap(_ year: Int64) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days.
    private static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func civilFromDays(_ days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

/// Reads fixed-width numbers and separators from ASCII bytes.
private struct DigitScanner {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index == bytes.count }

    mutating func number(digits: Int) -> Int64? {
        guard index + digits <= bytes.count else { return nil }
        var value: Int64 = 0
        for byte in bytes[index..<index + digits] {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        index += digits
        return value
    }

    mutating func fractionMicroseconds() -> Int64? {
        var value: Int64 = 0
        var count = 0
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
            if count < 6 { value = value * 10 + Int64(bytes[index] - UInt8(ascii: "0")) }
            count += 1
            index += 1
        }
        guard count > 0 else { return nil }
        for _ in count..<max(count, 6) { value *= 10 }
        return value
    }

    mutating func skip(_ choices: Character...) -> Bool {
        guard index < bytes.count, choices.contains(where: { $0.asciiValue == bytes[index] }) else { return false }
        index += 1
        return true
    }

    mutating func sign() -> Int64? {
        if skip("+") { return 1 }
        if skip("-") { return -1 }
        return nil
    }
}
