import LogModel

/// Reads the `start` and `end` of a search: RFC 3339, an epoch number, `now`, or `now-15m` style
/// offsets with units s, m, h, d and w; nil for anything else, and for instants outside
/// ``Timestamp/supportedRange`` (which a database could not compute with).
enum TimeExpression {
    static func parse(_ text: String, now: Timestamp) -> Timestamp? {
        guard let value = instant(text, now: now), Timestamp.supportedRange.contains(value) else { return nil }
        return value
    }

    private static func instant(_ text: String, now: Timestamp) -> Timestamp? {
        if text == "now" { return now }
        if text.hasPrefix("now-") {
            guard let offset = duration(text.dropFirst(4)) else { return nil }
            let (microseconds, overflow) = now.microseconds.subtractingReportingOverflow(offset)
            return overflow ? nil : Timestamp(microseconds: microseconds)
        }
        if let number = Int64(text) { return Timestamp(epoch: number) }
        return Timestamp(rfc3339: text)
    }

    private static func duration(_ text: Substring) -> Int64? {
        guard let unit = text.last, let amount = Int64(text.dropLast()), amount >= 0 else { return nil }
        let second: Int64 = 1_000_000
        let multiplier: Int64
        switch unit {
        case "s": multiplier = second
        case "m": multiplier = 60 * second
        case "h": multiplier = 3600 * second
        case "d": multiplier = 86_400 * second
        case "w": multiplier = 7 * 86_400 * second
        default: return nil
        }
        let (product, overflow) = amount.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : product
    }
}
