import LogModel
import Synchronization

/// The entries (words and tokens) this process knows to be in the dictionary (``MessageWords``), per
/// tenant and day, so that a batch sends only the entries it may be the first to add. An entry is
/// remembered only once the statement that added it committed; forgetting costs one more
/// `ON CONFLICT DO NOTHING`, never a missing entry, so the memory is bounded by forgetting everything
/// at ``capacity``.
final class KnownWords: Sendable {
    /// A tenant's entry of one day, as the dictionary keys it.
    struct Entry: Hashable, Sendable {
        /// The tenant.
        var tenant: String
        /// The UTC day, as days since the epoch.
        var day: Int64
        /// The entry as written in a message; the dictionary holds it lower-cased.
        var word: String
    }

    /// A tenant's day.
    private struct Day: Hashable {
        var tenant: String
        var day: Int64
    }

    /// Entries remembered at most, across tenants and days.
    let capacity: Int
    private let known = Mutex<(days: [Day: Set<String>], count: Int)>(([:], 0))

    /// A memory of at most `capacity` entries.
    init(capacity: Int = 200_000) {
        self.capacity = capacity
    }

    /// The distinct entries not known to be in the dictionary of the records' messages, whose
    /// entries (``MessageWords/entries(in:)``) are given in the records' order.
    func unknown(in records: [LogRecord], entries recordEntries: [[Substring]]) -> [Entry] {
        var unknown = Set<Entry>()
        known.withLock { known in
            var last: (day: Day, words: Set<String>)?
            for (record, entries) in zip(records, recordEntries) {
                let day = Day(tenant: record.tenant, day: PostgresPartitions.Day(record.timestamp).number)
                if last?.day != day { last = (day, known.days[day] ?? []) }
                for entry in entries where entry != MessageWords.overlongEntry {
                    let word = String(entry)
                    if !last!.words.contains(word) {
                        unknown.insert(Entry(tenant: day.tenant, day: day.day, word: word))
                    }
                }
            }
        }
        return Array(unknown)
    }

    /// Remembers entries that a committed statement added.
    func remember(_ entries: [Entry]) {
        known.withLock { known in
            if known.count + entries.count > capacity { known = ([:], 0) }
            for entry in entries.prefix(capacity) {
                let inserted = known.days[Day(tenant: entry.tenant, day: entry.day), default: []].insert(entry.word)
                if inserted.inserted { known.count += 1 }
            }
        }
    }
}
