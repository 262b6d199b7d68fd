import LogModel
import Synchronization

/// The daily partitions of the log table: their names and bounds, and which days are known to have one.
///
/// Days are UTC calendar days. A search through the message or attributes indexes looks them up one
/// stretch of days at a time, newest first (``PostgresLogStore/search(_:)``), so that each lookup reads
/// only the indexes of the partitions it needs. Databases created before partitions were daily keep
/// their monthly ones: a day inside such a month is already covered.
final class PostgresPartitions: Sendable {
    /// A UTC calendar day.
    struct Day: Hashable, Sendable, Comparable {
        /// Microseconds in a day.
        static let length: Int64 = 86_400_000_000

        /// Days since 1970-01-01, negative before it.
        var number: Int64

        /// The day an instant falls in.
        init(_ timestamp: Timestamp) {
            number = timestamp.floored(toMultipleOf: Self.length).microseconds / Self.length
        }

        private init(number: Int64) { self.number = number }

        /// The day `count` days later (earlier when negative).
        func adding(days count: Int64) -> Day { Day(number: number + count) }

        /// Midnight at the start of the day.
        var start: Timestamp { Timestamp(microseconds: number * Self.length) }

        /// `logs_yYYYYmMMdDD` (five digits of year after 9999).
        var tableName: String {
            let date = start.rfc3339.prefix { $0 != "T" }.split(separator: "-")
            return "logs_y\(date[0])m\(date[1])d\(date[2])"
        }

        static func < (lhs: Day, rhs: Day) -> Bool { lhs.number < rhs.number }

        /// The DDL that creates the day's partition. Built only from integers, so it needs no binding.
        var createStatement: String {
            let (from, to) = (start.microseconds / 1_000_000, adding(days: 1).start.microseconds / 1_000_000)
            return "CREATE TABLE IF NOT EXISTS \(tableName) PARTITION OF logs "
                + "FOR VALUES FROM (to_timestamp(\(from))) TO (to_timestamp(\(to)))"
        }
    }

    private let known = Mutex<Set<Day>>([])
    private let months = Mutex<[Range<Timestamp>]>([])

    /// The days `timestamps` fall in, and the day after each, that are not known to have a partition.
    /// Creating the next day's partition ahead means that a day's first records usually find theirs.
    func missing(for timestamps: some Sequence<Timestamp>) -> [Day] {
        let days = Set(timestamps.lazy.map(Day.init).flatMap { [$0, $0.adding(days: 1)] })
        return known.withLock { known in days.subtracting(known).sorted() }
    }

    /// Records that a day has a partition (its own, or an older month's).
    func markCovered(_ day: Day) {
        _ = known.withLock { $0.insert(day) }
    }

    /// Forgets the days before `cutoff`, whose partitions were dropped.
    func forgetDays(before cutoff: Timestamp) {
        let first = Day(cutoff)
        known.withLock { known in known = known.filter { $0 >= first } }
    }

    /// Remembers which of the log table's partitions, by these names, are months (`logs_yYYYYmMM`).
    func setMonths(fromPartitionNames names: [String]) {
        let ranges = names.compactMap { name in Self.monthRange(ofPartitionNamed: name) }
        months.withLock { $0 = ranges }
    }

    /// The range of timestamps a partition of ours holds, by its name: a day (`logs_yYYYYmMMdDD`) or,
    /// from before partitions were daily, a month (`logs_yYYYYmMM`); nil for any other name.
    static func range(ofPartitionNamed name: String) -> Range<Timestamp>? {
        if let month = monthRange(ofPartitionNamed: name) { return month }
        let parts = name.split(separator: "_")
        guard parts.count == 2, parts[0] == "logs", let date = parts[1].wholeMatch(of: /y(\d{4})m(\d\d)d(\d\d)/),
            let start = Timestamp(rfc3339: "\(date.1)-\(date.2)-\(date.3)T00:00:00Z"), Day(start).tableName == name
        else { return nil }
        return start..<Day(start).adding(days: 1).start
    }

    private static func monthRange(ofPartitionNamed name: String) -> Range<Timestamp>? {
        guard name.count == 13, name.hasPrefix("logs_y"), let year = Int(name.dropFirst(6).prefix(4)),
            name.dropFirst(10).first == "m", let month = Int(name.suffix(2)), (1...12).contains(month),
            let start = Self.firstDay(year: year, month: month),
            let end = month == 12
                ? Self.firstDay(year: year + 1, month: 1) : Self.firstDay(year: year, month: month + 1)
        else { return nil }
        return start..<end
    }

    /// The start of the monthly partition holding `timestamp`, or `timestamp` itself outside them.
    func monthStart(orSelf timestamp: Timestamp) -> Timestamp {
        months.withLock { months in months.first { $0.contains(timestamp) }?.lowerBound } ?? timestamp
    }

    private static func firstDay(year: Int, month: Int) -> Timestamp? {
        let digits = String(year)
        let paddedYear = String(repeating: "0", count: max(0, 4 - digits.count)) + digits
        return Timestamp(rfc3339: "\(paddedYear)-\(month < 10 ? "0" : "")\(month)-01T00:00:00Z")
    }
}
