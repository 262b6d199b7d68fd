/// The word index over log messages and the dictionary of the words seen, which together find any
/// substring of a message (migration 15).
///
/// A message's words are its lower-cased runs of characters between ASCII separators (every ASCII
/// character but a letter or digit); any other character belongs to a word. The GIN index over
/// `message_words(message)` holds about 15 entries for a typical line where the trigram index it
/// replaced held about 131, which is what a bulk load paid for (bench/README, "Message index designs").
/// `log_words` holds each tenant's distinct words per UTC day, trigram-indexed, and the store adds a
/// batch's new words in the batch's own statement, so every committed message's words are there.
///
/// Text the query language looks for in a message is cut at its separators into pieces
/// (``pieces(of:)``). Wherever `message ILIKE '%text%'` holds, the lower-cased message contains the
/// lower-cased text (ILIKE compares lower-cased text outside the "C" collation, and under it folds
/// only ASCII letters, where both agree), and lower-casing keeps every ASCII separator where it was,
/// so a piece with a separator on both sides is a whole word of the message, one with a separator
/// after it ends a word, one with a separator before it begins a word, and any other lies inside a
/// word. A search asks the index for messages holding the whole words, and holding one of the
/// dictionary's words that ends, begins or contains each other piece: a superset of the matches,
/// which the ILIKE beside it makes exact.
enum MessageWords {
    /// The SQL function that gives a message's words.
    static let function = "message_words"

    /// The dictionary of each tenant's words per day.
    static let dictionary = "log_words"

    /// Migration 15: the function, the dictionary filled from the stored records, the word index, and
    /// the trigram index and its mapping function dropped.
    static let schema = [
        """
        CREATE FUNCTION \(function)(text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT array_remove(regexp_split_to_array(lower($1), '[\\x01-\\x2f\\x3a-\\x40\\x5b-\\x60\\x7b-\\x7f]+'), '')
        $$
        """,
        "CREATE TABLE \(dictionary) (tenant text NOT NULL, day int4 NOT NULL, word text NOT NULL, "
            + "PRIMARY KEY (tenant, day, word))",
        "CREATE INDEX \(dictionary)_trigrams ON \(dictionary) USING gin (word gin_trgm_ops)",
        """
        INSERT INTO \(dictionary) (tenant, day, word)
        SELECT DISTINCT tenant, floor(extract(epoch FROM ts) / 86400)::int4, word
        FROM logs, unnest(\(function)(message)) AS word
        """,
        "CREATE INDEX logs_message_words ON logs USING gin (\(function)(message))",
        "DROP INDEX logs_message_trigrams",
        "DROP FUNCTION \(MessageTrigrams.function)(text)",
    ]

    /// Whether a UTF-8 code unit is an ASCII separator.
    private static func isSeparator(_ byte: UInt8) -> Bool {
        byte < 0x80 && !(byte >= 0x30 && byte <= 0x39) && !(byte >= 0x41 && byte <= 0x5a)
            && !(byte >= 0x61 && byte <= 0x7a)
    }

    /// The text's words as written (not lower-cased): its non-empty runs between ASCII separators.
    static func words(in text: String) -> [Substring] {
        text.utf8.split(whereSeparator: isSeparator).map { Substring($0) }
    }

    /// A piece of searched text between separators, and what a message's word must do with it.
    struct Piece: Equatable {
        /// How a message's word holds a piece.
        enum Place: Equatable {
            /// The word is the piece.
            case whole
            /// The word begins with the piece.
            case start
            /// The word ends with the piece.
            case end
            /// The word contains the piece.
            case inside
        }

        /// The piece as written.
        var text: String
        /// Where it lies in a word of a matching message.
        var place: Place

        /// Whether the dictionary's trigram index can find the words holding it: pg_trgm takes a
        /// word's start and end as blanks, so only a piece inside a word needs three characters.
        var isLookedUp: Bool { place != .inside || text.unicodeScalars.count >= 3 }
    }

    /// The pieces of searched text, each with where a matching message's word holds it.
    static func pieces(of text: String) -> [Piece] {
        let bytes = Array(text.utf8)
        var pieces: [Piece] = []
        var start = 0
        while start < bytes.count {
            guard !isSeparator(bytes[start]) else {
                start += 1
                continue
            }
            var end = start
            while end < bytes.count, !isSeparator(bytes[end]) { end += 1 }
            let bounded = (before: start > 0, after: end < bytes.count)
            let place: Piece.Place =
                switch bounded {
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

    /// The pieces a search asks the index for: the whole words, and each other piece the
    /// dictionary can find. Empty when there is none, and the text is not the index's to find.
    static func lookedUpPieces(of texts: [String]) -> [Piece] {
        texts.flatMap(pieces(of:)).filter(\.isLookedUp)
    }
}
