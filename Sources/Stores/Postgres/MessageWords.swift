/// The index of the words and tokens of log messages and the dictionary of those seen, which together
/// find any substring of a message (migration 15).
///
/// A message's entries are its lower-cased words, the runs of characters between ASCII separators
/// (every ASCII character but a letter or digit; any other character belongs to a word), and its
/// tokens with punctuation, the runs between ASCII white space that hold a separator (`blk_-1608`,
/// `10.251.43.21:50010`, `2015-10-18`). An entry of over ``longestEntry`` bytes as written stands as
/// ``overlongEntry`` instead, so that no index entry outgrows its page. The GIN index over
/// `message_words(message)` holds 32 entries for a line of the benchmark on average, where the
/// trigram index it replaced held 131, which is what a bulk load paid for (bench/README, "Message
/// index designs"). `log_words` holds each tenant's distinct entries per UTC day, indexed by the trigrams
/// of ``MessageTrigrams`` (which span punctuation). The server finds a message's entries as the
/// function does (``entries(in:)``, as written; the database lower-cases them) and adds a batch's new
/// ones in the batch's own statement, so every committed message's entries are there.
///
/// Searched text is cut at its white space into pieces (``pieces(of:)``). Wherever
/// `message ILIKE '%text%'` holds, the lower-cased message contains the lower-cased text (ILIKE
/// compares lower-cased text outside the "C" collation, and under it folds only ASCII letters, where
/// both agree), and lower-casing keeps every ASCII character but a letter where it was. So a piece
/// with white space on both sides is a whole entry of the message (a word, or a token if it has a
/// separator), one with white space after it ends an entry, one with white space before it begins
/// one, and any other lies inside one. A search asks the index for messages holding each whole
/// entry, and one of the dictionary's entries that ends, begins or contains each other piece (or
/// the over-long entry): a superset of the matches, which the ILIKE beside it makes exact.
enum MessageWords {
    /// The SQL function that gives a message's entries, which the index is over. Entries of a
    /// message of at most ``longestEntry`` bytes cannot be over-long, so the function is one
    /// expression the planner inlines; longer messages go through `message_words_capped`, which caps
    /// each entry.
    static let function = "message_words"

    /// The indexed expression since migration 17: the message's entries, compared by their bytes
    /// (``ByteOrderKeys``). A condition on the index must name the entries so.
    static let indexedEntries = "(\(function)(message) COLLATE \"C\")"

    /// The dictionary of each tenant's entries per day.
    static let dictionary = "log_words"

    /// The longest entry in bytes as written. Lower-casing at most doubles a text's bytes, and GIN
    /// and B-tree entries must fit a third of a page.
    static let longestEntry = 1_200

    /// The longest whole piece in bytes that is surely not over-long in a message: a message may
    /// write it in another case up to three times as long (`k` and the Kelvin sign `K`).
    static let surelyShortPiece = longestEntry / 3

    /// What stands for an over-long entry. Were a message to hold it, it would only be found more often.
    static let overlongEntry = "\u{1}"

    /// ``overlongEntry`` in SQL.
    static let overlongEntrySQL = "chr(1)"

    /// ASCII separators, as a regular expression class.
    private static let separators = "[\\x01-\\x2f\\x3a-\\x40\\x5b-\\x60\\x7b-\\x7f]"

    /// ASCII white space, as a regular expression class.
    private static let whiteSpace = "[\\x09-\\x0d\\x20]"

    /// ASCII white space but the space, as a regular expression class.
    private static let whiteSpaceButSpace = "[\\x09-\\x0d]"

    /// The SQL condition that a dictionary entry `column` holds a separator, so is a token.
    static func isToken(_ column: String) -> String { "\(column) ~ '\(separators)'" }

    /// Migration 15: the function, the index over it, the dictionary filled from the stored
    /// messages, and the trigram index dropped. The dictionary's key leads with the entry, so that a
    /// lookup for one tenant's entries is never planned as a walk of all of that tenant's keys (as it
    /// was, before the table had statistics) instead of through the trigrams.
    static let schema = [
        """
        CREATE FUNCTION \(function)_capped(text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT ARRAY(
                SELECT lower(CASE WHEN octet_length(entry) > \(longestEntry) THEN \(overlongEntrySQL) ELSE entry END) FROM (
                    SELECT regexp_split_to_table($1, '\(separators)+') AS entry
                    UNION ALL
                    SELECT regexp_split_to_table($1, '\(whiteSpace)+')
                ) AS entries
                WHERE entry <> '')
        $$
        """,
        "CREATE " + wordsFunction(capped: "\(function)_capped", tokens: tokensByExpression),
        "CREATE INDEX logs_message_words ON logs USING gin (\(function)(message))",
        "CREATE TABLE \(dictionary) (tenant text NOT NULL, day int4 NOT NULL, word text NOT NULL, "
            + "PRIMARY KEY (word, tenant, day))",
        "CREATE INDEX \(dictionary)_trigrams ON \(dictionary) USING gin (\(MessageTrigrams.function)(word) gin_trgm_ops)",
        storedEntries,
        "DROP INDEX logs_message_trigrams",
    ]

    /// Migration 18: ``function`` names `message_words_capped` with its schema, and splits a message
    /// without white space but spaces at its spaces, not with a regular expression.
    ///
    /// Autovacuum analyses a table with an empty `search_path`, where the bare name is not found, so
    /// every automatic analysis of a log partition stopped at its first message and left the planner
    /// without the partition's statistics; the schema is the migrating session's, where the function
    /// is. The split at spaces gives the same entries (the empty ones are removed either way), so the
    /// index stays as it is: the function took a fifth less time over the messages of a bulk load
    /// (bench/README, "Keys compared as bytes").
    static let functionReplacement = [
        """
        DO $migration$ BEGIN
            EXECUTE format($definition$CREATE OR REPLACE \(wordsFunction(capped: "%I.\(function)_capped", tokens: tokensAtSpaces))$definition$,
                current_schema());
        END $migration$
        """
    ]

    /// A message's runs between white space, by a regular expression.
    private static let tokensByExpression = "regexp_split_to_array(lower($1), '\(whiteSpace)+')"

    /// A message's runs between white space, split at each space where it has no other white space.
    private static let tokensAtSpaces =
        "CASE WHEN $1 ~ '\(whiteSpaceButSpace)' THEN \(tokensByExpression) ELSE string_to_array(lower($1), ' ') END"

    /// The definition of ``function`` after `CREATE`: the words, then the `tokens`, for a message of up
    /// to ``longestEntry`` bytes, and `capped` called for a longer one.
    private static func wordsFunction(capped: String, tokens: String) -> String {
        """
        FUNCTION \(function)(text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT CASE WHEN octet_length($1) <= \(longestEntry)
                THEN array_remove(regexp_split_to_array(lower($1), '\(separators)+') || \(tokens), '')
                ELSE \(capped)($1) END
        $$
        """
    }

    /// Adds the entries of every stored message to the dictionary.
    static let storedEntries = """
        INSERT INTO \(dictionary) (tenant, day, word)
        SELECT DISTINCT tenant, floor(extract(epoch FROM ts) / 86400)::int4, word
        FROM logs, unnest(\(function)(message)) AS word WHERE word <> \(overlongEntrySQL)
        """

    /// Whether a UTF-8 code unit is ASCII white space.
    private static func isWhiteSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0d) }

    /// Whether a UTF-8 code unit is an ASCII separator (white space included).
    private static func isSeparator(_ byte: UInt8) -> Bool {
        byte < 0x80 && !(byte >= 0x30 && byte <= 0x39) && !(byte >= 0x41 && byte <= 0x5a)
            && !(byte >= 0x61 && byte <= 0x7a)
    }

    /// The text's entries as written (not lower-cased): its words, then its tokens with a separator,
    /// each over-long one as ``overlongEntry``.
    static func entries(in text: String) -> [Substring] {
        let words = text.utf8.split(whereSeparator: isSeparator)
        let tokens = text.utf8.split(whereSeparator: isWhiteSpace).filter { $0.contains(where: isSeparator) }
        return (words + tokens).map { $0.count > longestEntry ? Substring(overlongEntry) : Substring($0) }
    }

    /// A piece of searched text between white space, and what a message's entry must do with it.
    struct Piece: Equatable {
        /// How a message's entry holds a piece.
        enum Place: Equatable {
            /// The entry is the piece.
            case whole
            /// The entry begins with the piece.
            case start
            /// The entry ends with the piece.
            case end
            /// The entry contains the piece.
            case inside
        }

        /// The piece as written.
        var text: String
        /// Where it lies in an entry of a matching message.
        var place: Place

        /// Whether the piece holds a separator, so lies in a token rather than a word.
        var isInToken: Bool { text.utf8.contains(where: MessageWords.isSeparator) }

        /// Whether the dictionary's trigram index can find the entries holding it: pg_trgm takes an
        /// entry's start and end as blanks, so only a piece inside an entry needs three characters.
        var isLookedUp: Bool { place != .inside || text.unicodeScalars.count >= 3 }

        /// The LIKE pattern of the entries that hold the piece where it lies.
        var likePattern: String {
            let text = SQLPatterns.escapeLike(text)
            return switch place {
            case .whole: text
            case .start: text + "%"
            case .end: "%" + text
            case .inside: "%" + text + "%"
            }
        }
    }

    /// The pieces of searched text, each with where a matching message's entry holds it.
    static func pieces(of text: String) -> [Piece] {
        let bytes = Array(text.utf8)
        var pieces: [Piece] = []
        var start = 0
        while start < bytes.count {
            guard !isWhiteSpace(bytes[start]) else {
                start += 1
                continue
            }
            var end = start
            while end < bytes.count, !isWhiteSpace(bytes[end]) { end += 1 }
            let place: Piece.Place =
                switch (start > 0, end < bytes.count) {
                case (true, true): .whole
                case (true, false): .start
                case (false, true): .end
                case (false, false): .inside
                }
            pieces.append(Piece(text: String(decoding: bytes[start..<end], as: UTF8.self), place: place))
            start = end
        }
        return pieces
    }

    /// The pieces a search asks the index for: those the dictionary can find, or are whole. Empty
    /// when there is none, and the text is not the index's to find.
    static func lookedUpPieces(of texts: [String]) -> [Piece] {
        texts.flatMap(pieces(of:)).filter(\.isLookedUp)
    }
}
