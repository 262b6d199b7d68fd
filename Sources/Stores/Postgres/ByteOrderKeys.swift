/// Migration 17: the text that the log table's indexes and the dictionary's key compare is compared
/// byte by byte (the "C" collation) instead of under the database's collation.
///
/// Every insert places each record in eight B-trees, all but one led by `tenant`, and sorts and
/// places its 32 or so message entries in the word index. Under any collation but "C", PostgreSQL
/// compares two texts by copying both and calling the C library's `strcoll`; under "C" it compares
/// their bytes. A bulk load spent 18% of PostgreSQL's CPU in those comparisons under the `C.UTF-8`
/// locale (more under a language's locale), most of which this migration gives back (bench/README, "Keys
/// compared as bytes"). Equality is the same under either collation, and every lookup of these
/// columns is by equality, a prefix or the trigrams; only the order of a sort by one of them changes,
/// to that of the SQLite store. The message keeps the database's collation, so that `lower` and the
/// case-insensitive match still fold every letter the locale knows; only its entries in the word
/// index are ordered by bytes (``MessageWords/indexedEntries``).
///
/// A change of collation keeps the rows where they are and builds the indexes of those columns again.
enum ByteOrderKeys {
    /// The log table's text columns that its B-tree indexes hold.
    static let logColumns = ["tenant", "service", "level", "trace_id", "correlation_id", "http_path"]

    /// The dictionary's text columns, its key.
    static let dictionaryColumns = ["tenant", "word"]

    /// The migration's statements.
    static let schema = [
        alter("logs", logColumns),
        "DROP INDEX logs_message_words",
        "CREATE INDEX logs_message_words ON logs USING gin (\(MessageWords.indexedEntries))",
        alter(MessageWords.dictionary, dictionaryColumns),
    ]

    /// One statement that gives `columns` of `table` the "C" collation.
    private static func alter(_ table: String, _ columns: [String]) -> String {
        "ALTER TABLE \(table) " + columns.map { "ALTER COLUMN \($0) TYPE text COLLATE \"C\"" }.joined(separator: ", ")
    }
}
