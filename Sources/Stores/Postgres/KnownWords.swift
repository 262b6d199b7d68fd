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

    /// Entries remembered at most, across tenants and days.
    let capacity: Int
    private let known = Mutex<Set<Entry>>([])

    /// A memory of at most `capacity` entries.
    init(capacity: Int = 200_000) {
        self.capacity = capacity
    }

    /// The distinct entries of the records' messages not known to be in the dictionary.
    func unknown(in records: [LogRecord]) -> [Entry] {
        var entries = Set<Entry>()
        for record in records {
            let day = PostgresPartitions.Day(record.timestamp).number
            for entry in MessageWords.entries(in: record.message) {
                entries.insert(Entry(tenant: record.tenant, day: day, word: String(entry)))
            }
        }
        return Array(known.withLock { known in entries.subtracting(known) })
    }

    /// Remembers entries that a committed statement added.
    func remember(_ entries: [Entry]) {
        known.withLock { known in
            if known.count + entries.count > capacity { known.removeAll(keepingCapacity: true) }
            known.formUnion(entries.prefix(capacity))
        }
    }
}
