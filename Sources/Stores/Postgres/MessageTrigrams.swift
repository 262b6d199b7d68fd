/// The trigram index over log messages that migrations 5 and 6 built, so that trigrams span spaces and
/// punctuation.
///
/// pg_trgm takes trigrams of words only, so punctuation and spaces split text into words and each
/// word is padded with blanks: `05-07-20` becomes the trigrams of `05`, `07` and `20` alone, and
/// `child init` those of `child` and `init` anywhere in a line. Text made of common short words (a
/// date, an ID's digits, two common words side by side) then has millions of candidate rows to
/// recheck for a few hundred matches. `message_trigram_text` maps every ASCII punctuation mark and
/// the space to a caseless letter of its own class (space, `-`, `_`, `.`, `:`, and the rest), so
/// pg_trgm sees one word and its trigrams keep the separators and the order of the words around
/// them: at a million rows of the benchmark's messages, the candidates of `05-07-20` fall from
/// 53,776 to its 918 matches and those of `child init` from 21,453 to its 322.
///
/// A search tested `message_trigram_text(message) ILIKE message_trigram_text(pattern)`, which holds
/// whenever `message ILIKE pattern` does. Migration 15 replaced the index and the function with the
/// word index of ``MessageWords``, which costs a bulk load less than half as much; migrations 5 and 6
/// stay as they ran.
enum MessageTrigrams {
    /// The SQL function that maps a message (or a LIKE pattern) before its trigrams are taken.
    static let function = "message_trigram_text"

    /// Each mapped character and the letter it becomes.
    static let mapping: [(character: Character, letter: Character)] =
        zip(" -_.:", "ǃǂǁǀƻ").map { ($0, $1) } + "!\"#$&'()*+,/;<=>?@[]^`{|}~".map { ($0, "ʔ") }

    /// Migration 5: the mapping function, the index over it, and the plain trigram index dropped.
    static let schema = [
        definition(command: "CREATE", body: translation),
        "CREATE INDEX logs_message_trigrams ON logs USING gin (\(function)(message) gin_trgm_ops)",
        "DROP INDEX logs_message_trgm",
    ]

    /// Migration 6: the same mapping as one `replace` per character. `translate` with a multibyte
    /// target walks both of its lists for every character of the message, about 23 µs for a
    /// log line, which every insert and every candidate row of a search pays; the `replace` chain
    /// takes about 5 µs. Its results are the same for every text (a replaced letter is never
    /// ASCII, so no later `replace` touches it), so the index stays valid and is not rebuilt.
    static let replaceChain = [definition(command: "CREATE OR REPLACE", body: replacements)]

    /// Migration 5's body: the mapping of `$1` by `translate`.
    static let translation =
        "translate($1, \(literal(String(mapping.map(\.character)))), \(literal(String(mapping.map(\.letter)))))"

    /// Migration 6's body: the mapping of `$1` by one `replace` per character.
    static let replacements = mapping.reduce("$1") { text, pair in
        "replace(\(text), \(literal(String(pair.character))), \(literal(String(pair.letter))))"
    }

    private static func definition(command: String, body: String) -> String {
        """
        \(command) FUNCTION \(function)(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT \(body)
        $$
        """
    }

    private static func literal(_ text: String) -> String {
        "'" + String(text.flatMap { $0 == "'" ? ["'", "'"] : [$0] }) + "'"
    }
}
