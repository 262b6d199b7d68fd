import Foundation
import LogQuery
import Logging
import PostgresNIO
import TestSupport
import Testing

@testable import Stores

/// The PostgreSQL message trigram index (``MessageTrigrams``): the mapped test it serves holds
/// wherever the message's ILIKE does, so it never loses a match, and text searches are served by it.
@Suite("Message trigrams")
struct MessageTrigramsTests {
    private static let alphabet = Array("aAbZz09 -_.:/%\\'\"()[]=,;é\tǂ")

    /// 2,000 random messages and, for each, a substring of it (its case flipped at random) and a
    /// wildcard pattern made of two of its pieces, as the query language renders them for LIKE; the
    /// substring's index lookup tests only ``MessageTrigrams/lookupText(for:)`` of it.
    @Test("the mapped test holds wherever ILIKE does, for text full of punctuation, wildcards and escapes")
    func mappedTest_holdsWhereverILIKEDoes() async throws {
        var generator = SystemRandomNumberGenerator()
        var messages: [String] = []
        var patterns: [String] = []
        var lookups: [String] = []
        for _ in 0..<2_000 {
            let message = Self.randomText(Self.alphabet, lengths: 1...24, using: &generator)
            let characters = Array(message)
            let start = Int.random(in: 0..<characters.count, using: &generator)
            let end = Int.random(in: start...characters.count, using: &generator)
            let middle = Int.random(in: start...end, using: &generator)
            let piece = String(characters[start..<end].map { Bool.random(using: &generator) ? $0 : Self.flipCase($0) })
            messages += [message, message]
            let wildcard = SQLPatterns.like(
                Pattern(String(characters[start..<middle]) + "*" + String(characters[middle..<end])), anchored: false)
            patterns += [SQLPatterns.likeContains(piece), wildcard]
            lookups += [SQLPatterns.likeContains(MessageTrigrams.lookupText(for: piece)), wildcard]
        }
        let binds = PostgresLogStore.bindings(
            [messages, patterns, lookups].map { .text($0.joined(separator: "\u{1}")) })
        let sql = """
            SELECT m, p, m ILIKE p, \(MessageTrigrams.function)(m) ILIKE \(MessageTrigrams.function)(l)
            FROM unnest(string_to_array($1, chr(1)), string_to_array($2, chr(1)), string_to_array($3, chr(1)))
                AS pairs(m, p, l)
            """
        let rows = try await withConnection { connection in
            try await connection.query(
                PostgresQuery(unsafeSQL: sql, binds: binds), logger: Logger(label: "test")
            ).collect()
        }
        #expect(rows.count == messages.count)
        for row in rows {
            let (message, pattern, matches, mappedMatches) = try row.decode((String, String, Bool, Bool).self)
            #expect(matches, "\(message.debugDescription) ILIKE \(pattern.debugDescription)")
            #expect(
                mappedMatches || !matches,
                "mapped test lost \(message.debugDescription) for \(pattern.debugDescription)")
        }
    }

    @Test(
        "the index lookup tests nine characters around the last separator between words, or the whole text",
        arguments: [
            ("more authentication", "more auth"), ("/api/v1/users/123", "users/123"),
            ("cancelNotificationWithTag pid", "thTag pid"), ("user_id=12345", "r_id=1234"), ("05-06-18", "05-06-18"),
            ("authentication", "authentication"), ("--verbose-flag", "bose-flag"), ("ends with a dot.", "th a dot."),
            ("résumé envoyé", "sumé envo"), ("trailing.", "trailing."),
        ])
    func lookupText_keepsNineCharactersAroundTheLastSeparator(text: String, lookup: String) {
        #expect(MessageTrigrams.lookupText(for: text) == lookup)
    }

    /// Migration 6 replaced the function's body without rebuilding the index over it, which is
    /// right only if the new body maps every text as migration 5's did.
    @Test("the replace chain of migration 6 maps every text as the translate of migration 5 did")
    func replaceChain_mapsAsTranslateDid() async throws {
        let alphabet = (32...126).map { Character(UnicodeScalar(UInt8($0))) } + Array("\téǂʔ€")
        var generator = SystemRandomNumberGenerator()
        let texts = (0..<2_000).map { _ in Self.randomText(alphabet, lengths: 0...40, using: &generator) }
        let translated = MessageTrigrams.translation.replacingOccurrences(of: "$1", with: "t")
        let sql = """
            SELECT t, \(MessageTrigrams.function)(t), \(translated)
            FROM unnest(string_to_array($1, chr(1))) AS texts(t)
            """
        let rows = try await withConnection { connection in
            try await connection.query(
                PostgresQuery(
                    unsafeSQL: sql, binds: PostgresLogStore.bindings([.text(texts.joined(separator: "\u{1}"))])),
                logger: Logger(label: "test")
            ).collect()
        }
        #expect(rows.count == texts.count)
        for row in rows {
            let (text, replaced, translated) = try row.decode((String, String, String).self)
            #expect(replaced == translated, "\(text.debugDescription)")
        }
    }

    @Test("a search on a word, a phrase or a punctuated ID is served by the message trigram index")
    func textSearches_useTheIndex() async throws {
        let queries = ["timeout", "\"connection reset\"", "05-07-20", "card_exp*ired", "résumé"]
        let plans = try await withConnection { connection in
            try await connection.query("SET enable_seqscan = off", logger: Logger(label: "test"))
            var plans: [String: String] = [:]
            for query in queries {
                var builder = SQLBuilder<PostgresDialect>()
                let condition = builder.condition(for: try QueryParser.parse(query))
                plans[query] = try await connection.query(
                    PostgresQuery(
                        unsafeSQL: "EXPLAIN SELECT id FROM logs WHERE \(condition)",
                        binds: PostgresLogStore.bindings(builder.values)),
                    logger: Logger(label: "test")
                ).collect().map { try $0.decode(String.self) }.joined(separator: "\n")
            }
            return plans
        }
        for (query, plan) in plans {
            // Each partition's copy of the index is named after the indexed function.
            #expect(plan.contains("Bitmap Index Scan on"), "query \(query):\n\(plan)")
            #expect(plan.contains("\(MessageTrigrams.function)_idx"), "query \(query):\n\(plan)")
        }
    }

    private static func randomText(
        _ alphabet: [Character], lengths: ClosedRange<Int>, using generator: inout SystemRandomNumberGenerator
    ) -> String {
        String((0..<Int.random(in: lengths, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
    }

    private static func flipCase(_ character: Character) -> Character {
        let flipped = character.isUppercase ? character.lowercased() : character.uppercased()
        return flipped.count == 1 ? Character(flipped) : character
    }

    /// Runs `body` on one connection of a migrated test database.
    private func withConnection<T: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> T) async throws
        -> T
    {
        let store = try postgresStore(logger: Logger(label: "test"), indexedSearch: .default)
        try await running(store) {}
        let url = try #require(ProcessInfo.processInfo.environment["LOGSMITH_TEST_DATABASE_URL"])
        let client = PostgresClient(configuration: try .init(url: url), backgroundLogger: Logger(label: "test"))
        return try await whileRunning("a PostgreSQL client", { await client.run() }) {
            try await client.withConnection { try await body($0) }
        }
    }
}
