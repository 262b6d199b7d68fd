/// The trigram index over log messages, built so that trigrams span spaces and punctuation.
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
/// A search tests `message_trigram_text(message) ILIKE message_trigram_text(pattern)`, which holds
/// whenever `message ILIKE pattern` does: the mapping is the same character for character on both
/// sides, and `%` and `\` (the pattern's wildcard and escape) are not mapped. The test is a
/// superset, so the exact ILIKE on the message stays beside it.
enum MessageTrigrams {
    /// The SQL function that maps a message (or a LIKE pattern) before its trigrams are taken.
    static let function = "message_trigram_text"

    /// Each mapped character and the letter it becomes.
    static let mapping: [(character: Character, letter: Character)] =
        zip(" -_.:", "ǃǂǁǀƻ").map { ($0, $1) } + "!\"#$&'()*+,/;<=>?@[]^`{|}~".map { ($0, "ʔ") }

    /// The characters the mapping replaces: spaces and punctuation, where words part.
    private static let separators = Set(mapping.map(\.character))

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

    /// The longest text whose every trigram the index lookup tests.
    static let lookupLength = 9

    /// The part of a searched text that the index lookup tests; the whole text is still matched
    /// exactly. The lookup reads the posting list of every trigram of its pattern at each candidate
    /// row, so its cost grows with the pattern's length: at 10M rows, `more authentication` took
    /// 186 ms through all its 17 trigrams and 51 ms through those of `more auth`, for the same 2,554
    /// candidates. The part kept is ``lookupLength`` characters around the last separator that has a
    /// letter or digit on each side, because trigrams that span two words are rare where each word's
    /// own trigrams are common (`authentication` alone has 271,723 candidates). Text without such a
    /// separator is kept whole.
    static func lookupText(for text: String) -> String {
        let characters = Array(text)
        guard characters.count > lookupLength else { return text }
        let isWordCharacter = { (character: Character) in character.isLetter || character.isNumber }
        guard
            let separator = characters.indices.dropFirst().dropLast().last(where: {
                separators.contains(characters[$0]) && isWordCharacter(characters[$0 - 1])
                    && isWordCharacter(characters[$0 + 1])
            })
        else { return text }
        let start = min(max(0, separator - lookupLength / 2), characters.count - lookupLength)
        return String(characters[start..<start + lookupLength])
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
