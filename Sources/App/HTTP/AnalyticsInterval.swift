/// The bucket width of a histogram: `auto`, or a whole number of seconds, minutes, hours or days
/// from `1s` to `1d`.
enum AnalyticsInterval {
    /// The widths `auto` picks from, in seconds.
    static let ladder: [Int64] = [
        1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400,
    ]
    /// The most buckets one histogram may have.
    static let maxBuckets: Int64 = 10_000

    /// The width in seconds for `text` over a range of `rangeSeconds`: for `auto` (or nothing), the
    /// narrowest round width that gives at most 120 buckets (about 60 to 120 for most ranges).
    static func seconds(_ text: String?, rangeSeconds: Int64) throws(Problem) -> Int64 {
        let width: Int64
        if text == nil || text == "auto" {
            width = ladder.first { rangeSeconds <= $0 * 120 } ?? ladder[ladder.count - 1]
        } else if let text, let parsed = duration(text), (1...86_400).contains(parsed) {
            width = parsed
        } else {
            throw Problem.badParameter("interval", "must be auto or a duration from 1s to 1d, like 30s, 5m, 1h")
        }
        let buckets = (rangeSeconds + width - 1) / width
        guard buckets <= maxBuckets else {
            throw Problem.badParameter(
                "interval", "gives \(buckets) buckets over the range, more than \(maxBuckets); widen it or use auto")
        }
        return width
    }

    /// `90s`, `5m`, `1h`, `1d` in seconds.
    static func duration(_ text: String) -> Int64? {
        guard let unit = text.last, let count = Int64(text.dropLast()), count > 0 else { return nil }
        let multiplier: Int64? =
            switch unit {
            case "s": 1
            case "m": 60
            case "h": 3600
            case "d": 86_400
            default: nil
            }
        return multiplier.map { count.multipliedReportingOverflow(by: $0).overflow ? Int64.max : count * $0 }
    }

    /// A width in seconds as the largest whole unit that divides it: `86400` is `1d`, `90` is `90s`,
    /// `0` is `0s`.
    static func text(_ seconds: Int64) -> String {
        for (unit, size) in [("d", Int64(86_400)), ("h", 3600), ("m", 60)] where seconds > 0 && seconds % size == 0 {
            return "\(seconds / size)\(unit)"
        }
        return "\(seconds)s"
    }
}
