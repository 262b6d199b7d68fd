import LogModel
import Synchronization

/// The words this process knows to be in the dictionary (``MessageWords``), per tenant and day, so
/// that a batch sends only the words it may be the first to add. A word is remembered only once the
/// statement that added it committed; forgetting costs one more `ON CONFLICT DO NOTHING`, never a
/// missing word, so the memory is bounded by forgetting everything at ``capacity``.
final class KnownWords: Sendable {
    /// A tenant's words of one day, as the dictionary keys them.
    struct Entry: Hashable, Sendable {
        /// The tenant.
        var tenant: String
        /// The UTC day, as days since the epoch.
        var day: Int64
        /// The word as written in a message; the dictionary holds it lower-cased.
        var word: String
    }

    /// Words remembered at most, across tenants and days.
    let capacity: Int
    private let known = Mutex<Set<Entry>>([])

    /// A memory of at most `capacity` words.
    init(capacity: Int = 200_000) {
        self.capacity = capacity
    }

    /// The distinct words of the records' messages not known to be in the dictionary.
    func unknown(in records: [LogRecord]) -> [Entry] {
        var entries = Set<Entry>()
        for record in records {
            let day = PostgresPartitions.Day(record.timestamp).number
            for word in MessageWords.words(in: record.message) {
                entries.insert(Entry(tenant: record.tenant, day: day, word: String(word)))
            }
        }
        return Array(known.withLock { known in entries.subtracting(known) })
    }

    /// Remembers words that a committed statement added.
    func remember(_ entries: [Entry]) {
        known.withLock { known in
            if known.count + entries.count > capacity { known.removeAll(keepingCapacity: true) }
            known.formUnion(entries.prefix(capacity))
        }
    }
}
