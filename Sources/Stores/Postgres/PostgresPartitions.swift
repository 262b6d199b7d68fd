import LogModel
import Synchronization

/// Names and bounds of the monthly partitions of the log table, and which ones exist already.
final class PostgresPartitions: Sendable {
    /// A calendar month in UTC.
    struct Month: Hashable, Sendable, Comparable {
        var year: Int
        var month: Int

        init(year: Int, month: Int) {
            self.year = year
            self.month = month
        }

        /// The month an instant falls in.
        init(_ timestamp: Timestamp) {
            let text = timestamp.rfc3339
            year = Int(text.prefix(4))!
            month = Int(text.dropFirst(5).prefix(2))!
        }

        var next: Month { month == 12 ? Month(year: year + 1, month: 1) : Month(year: year, month: month + 1) }

        var tableName: String { "logs_y\(year)m" + (month < 10 ? "0\(month)" : "\(month)") }

        var firstDay: String {
            let paddedYear = String(repeating: "0", count: max(0, 4 - String(year).count)) + String(year)
            return "\(paddedYear)-" + (month < 10 ? "0\(month)" : "\(month)") + "-01 00:00:00+00"
        }

        static func < (lhs: Month, rhs: Month) -> Bool { (lhs.year, lhs.month) < (rhs.year, rhs.month) }

        /// The DDL that creates the month's partition. Built only from integers, so it needs no binding.
        var createStatement: String {
            "CREATE TABLE IF NOT EXISTS \(tableName) PARTITION OF logs "
                + "FOR VALUES FROM ('\(firstDay)') TO ('\(next.firstDay)')"
        }
    }

    private let known = Mutex<Set<Month>>([])

    /// The months among `timestamps` whose partitions are not known to exist.
    func missing(for timestamps: some Sequence<Timestamp>) -> [Month] {
        let months = Set(timestamps.map(Month.init))
        return known.withLock { known in months.subtracting(known).sorted() }
    }

    /// Records that a month's partition exists.
    func markCreated(_ month: Month) {
        _ = known.withLock { $0.insert(month) }
    }
}
