import Foundation
import LogModel
import LogQuery
import Logging
import PostgresNIO
import TestSupport
import Testing

@testable import Stores

/// The PostgreSQL message word index and its dictionary (``MessageWords``): a search through them
/// finds exactly what ILIKE finds, every committed entry is in the dictionary, text searches are
/// served by the index, and migration 15 moves a database of the previous release to them.
@Suite("Message words")
struct MessageWordsTests {
    private static let alphabet = Array("aAbZz09 -_.:/%\\'\"()[]=,;é\tǂÉßİ")

    @Test(
        "searched text is cut at white space into whole entries, entry starts, entry ends and insides",
        arguments: [
            ("blk_-54", [("blk_-54", MessageWords.Piece.Place.inside)]),
            ("Failed password for", [("Failed", .end), ("password", .whole), ("for", .start)]),
            (" -token-\t", [("-token-", .whole)]), ("résumé", [("résumé", .inside)]), ("->", [("->", .inside)]),
            ("173.234.31 port", [("173.234.31", .end), ("port", .start)]),
        ])
    func pieces_areCutAtSeparators(text: String, expected: [(String, MessageWords.Piece.Place)]) {
        #expect(MessageWords.pieces(of: text) == expected.map { MessageWords.Piece(text: $0.0, place: $0.1) })
    }

    @Test("a message's entries are its words and its tokens that hold a separator")
    func entries_areWordsAndTokensWithSeparators() {
        #expect(
            MessageWords.entries(in: "Got blk_-1608 from 10.0.0.1:80\tok") == [
                "Got", "blk", "1608", "from", "10", "0", "0", "1", "80", "ok", "blk_-1608", "10.0.0.1:80",
            ])
    }

    @Test("text without a piece the dictionary can find is not the index's")
    func shortOrPunctuatedText_isNotIndexed() {
        #expect(!PostgresDialect.isIndexed(.messageContains("->")))
        #expect(!PostgresDialect.isIndexed(.messageContains("ab")))
        #expect(PostgresDialect.isIndexed(.messageContains("ab-")))
        #expect(PostgresDialect.isIndexed(.messageContains("abc")))
        #expect(!PostgresDialect.isIndexed(.messageMatches(Pattern("a*b"))))
        #expect(PostgresDialect.isIndexed(.messageMatches(Pattern("a*bcd"))))
    }

    /// 1,500 random messages stored through the store's insert, then 1,500 substrings of them (their
    /// case flipped at random) and 1,500 wildcard patterns of two of their pieces, each searched with
    /// the condition a search builds and the index forced: the same rows as a plain ILIKE.
    @Test("the word condition finds what ILIKE finds, for text full of punctuation, wildcards and case")
    func wordCondition_findsWhatILIKEFinds() async throws {
        var generator = SystemRandomNumberGenerator()
        let tenant = uniqueTenant()
        // Entries over the longest indexed length stand as one marker entry, and must still be found.
        let overlong = [
            "start " + String(repeating: "Ab9", count: 900) + " end",
            "id=" + String(repeating: "f0-", count: 900) + "\tdone",
        ]
        let messages = overlong + (0..<1_500).map { _ in Self.randomText(lengths: 1...24, using: &generator) }
        var predicates: [QueryPredicate] = []
        for message in messages {
            let characters = Array(message)
            let start = Int.random(in: 0..<characters.count, using: &generator)
            let end = Int.random(in: start...characters.count, using: &generator)
            let middle = Int.random(in: start...end, using: &generator)
            let piece = String(characters[start..<end].map { Bool.random(using: &generator) ? $0 : Self.flipCase($0) })
            predicates.append(.messageContains(piece))
            predicates.append(
                .messageMatches(Pattern(String(characters[start..<middle]) + "*" + String(characters[middle..<end]))))
        }
        let searched = predicates
        let store = try postgresStore(logger: Logger(label: "test"), indexedSearch: .default)
        try await running(store) {
            try await store.insert(
                messages.enumerated().map { makeRecord($0.element, tenant: tenant, second: Int64($0.offset)) })
        }
        try await withConnection { connection in
            let (missing, differing) = try await connection.query(
                """
                SELECT (SELECT count(*)::int8 FROM logs, unnest(message_words(message)) AS w
                        WHERE tenant = \(tenant) AND w <> \(MessageWords.overlongEntry) AND NOT EXISTS (
                            SELECT 1 FROM log_words d WHERE d.tenant = logs.tenant AND d.word = w
                                AND d.day = floor(extract(epoch FROM logs.ts) / 86400))),
                       (SELECT count(*)::int8 FROM logs WHERE tenant = \(tenant) AND NOT (
                            message_words(message) @> message_words_capped(message)
                            AND message_words(message) <@ message_words_capped(message)))
                """, logger: Logger(label: "test")
            ).collect().first!.decode((Int64, Int64).self)
            #expect(missing == 0, "entries of committed messages missing from the dictionary")
            #expect(differing == 0, "messages whose entries differ between the inlined and the capping function")
            try await connection.query("SET enable_seqscan = off", logger: Logger(label: "test"))
            for predicate in searched {
                var builder = SQLBuilder<PostgresDialect>()
                let condition = builder.searchCondition(SearchRequest(tenant: tenant, query: .predicate(predicate)))
                let like =
                    switch predicate {
                    case .messageContains(let text): SQLPatterns.likeContains(text)
                    case .messageMatches(let pattern): SQLPatterns.like(pattern, anchored: false)
                    default: ""
                    }
                let exact = "tenant = \(builder.bind(tenant)) AND message ILIKE \(builder.bind(like))"
                let sql = """
                    SELECT ARRAY(SELECT id::text FROM logs WHERE \(condition) ORDER BY 1),
                           ARRAY(SELECT id::text FROM logs WHERE \(exact) ORDER BY 1)
                    """
                let (found, expected) = try await connection.query(
                    PostgresQuery(unsafeSQL: sql, binds: PostgresLogStore.bindings(builder.values)),
                    logger: Logger(label: "test")
                ).collect().first!.decode(([String], [String]).self)
                #expect(!expected.isEmpty, "\(predicate)")
                #expect(found == expected, "\(predicate)")
            }
        }
    }

    @Test("a search on a word, a phrase or a punctuated ID is served by the message word index")
    func textSearches_useTheIndex() async throws {
        let queries = [
            "timeout", "\"connection reset\"", "\"failed password for\"", "\" password \"", "05-07-20", "card_exp*ired",
            "résumé",
        ]
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
            #expect(plan.contains("\(MessageWords.function)_idx"), "query \(query):\n\(plan)")
        }
    }

    @Test("a log partition with short and over-long messages is analysed with an empty search path, as autovacuum does")
    func partitionAnalysis_needsNoSearchPath() async throws {
        let tenant = uniqueTenant()
        let record = makeRecord(String(repeating: "long-entry", count: 200) + " short", tenant: tenant)
        let partition = PostgresPartitions.Day(record.timestamp).tableName
        let analysed = try await withConnection { connection in
            let logger = Logger(label: "test")
            let store = try postgresStore(logger: logger, indexedSearch: .default)
            try await running(store) { try await store.insert([record, makeRecord("short", tenant: tenant)]) }
            let schema = try await connection.query("SELECT current_schema()::text", logger: logger).collect()
            let qualified = "\(try schema.first!.decode(String.self)).\(partition)"
            try await connection.query("SET search_path TO ''", logger: logger)
            try await connection.query(PostgresQuery(unsafeSQL: "ANALYZE \(qualified)"), logger: logger)
            try await connection.query("RESET search_path", logger: logger)
            return try await connection.query(
                "SELECT count(*)::int8 FROM pg_stats WHERE tablename = \(partition)", logger: logger
            ).collect().first!.decode(Int64.self)
        }
        #expect(analysed > 0)
    }

    @Test("dropping a day's partition drops its dictionary entries, and the later days' stay")
    func dropStorage_dropsTheDaysEntries() async throws {
        try await withIsolatedStores(.postgres) { store, _ in
            let postgres = try #require(store as? PostgresLogStore)
            let tenant = uniqueTenant()
            try await store.insert([
                makeRecord("expired-entry two days ago", tenant: tenant, second: -2 * secondsPerDay),
                makeRecord("kept-entry today", tenant: tenant),
            ])
            let entries = {
                try await postgres.execute("SELECT word FROM log_words ORDER BY word", []).compactMap { row in
                    if case .text(let word) = row.first { word } else { nil }
                }
            }
            #expect(try await entries().contains("expired-entry"))
            let yesterday = baseTime.adding(microseconds: -secondsPerDay * 1_000_000).floored(
                toMultipleOf: secondsPerDay * 1_000_000)
            #expect(try await store.dropStorage(before: yesterday).records == 1)
            #expect(try await entries() == ["entry", "kept", "kept-entry", "today"])
        }
    }

    /// A database migrated to version 14 with records in it, as the previous release left it, then
    /// migrated by this one: every record stays, the dictionary holds their words, and a search
    /// through the index finds them.
    @Test("migration 15 moves a database of the previous release to the word index without losing a record")
    func migration15_keepsEveryRecordAndIndexesItsWords() async throws {
        let tenant = uniqueTenant()
        let records = (0..<300).map { index in
            makeRecord(
                "Receiving block blk_-\(1_000 + index) src: /10.250.\(index % 7).\(index)", tenant: tenant,
                second: Int64(index * 60))
        }
        try await withPreviousReleaseDatabase(migratedTo: 14, records: records) { url in
            let store = PostgresLogStore(
                configuration: try .init(url: url), logger: Logger(label: "test"), indexedSearch: contractIndexedSearch)
            try await running(store) {
                let all = try await store.search(SearchRequest(tenant: tenant, limit: 1_000))
                #expect(all.records.count == records.count)
                let page = try await store.search(
                    SearchRequest(tenant: tenant, query: try QueryParser.parse("blk_-11"), limit: 1_000))
                let expected = records.filter { $0.message.contains("blk_-11") }.map(\.id)
                #expect(!expected.isEmpty)
                #expect(Set(page.records.map(\.id)) == Set(expected))
                let substring = try await store.search(
                    SearchRequest(tenant: tenant, query: try QueryParser.parse("250.3.1"), limit: 1_000))
                #expect(
                    Set(substring.records.map(\.id)) == Set(records.filter { $0.message.contains("250.3.1") }.map(\.id))
                )
            }
        }
    }

    private static func randomText(lengths: ClosedRange<Int>, using generator: inout SystemRandomNumberGenerator)
        -> String
    {
        String((0..<Int.random(in: lengths, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
    }

    /// The other case of a letter whose other case is one scalar (not `İ`, whose lower case Swift
    /// and the database's locale write differently), else the character itself.
    private static func flipCase(_ character: Character) -> Character {
        let flipped = character.isUppercase ? character.lowercased() : character.uppercased()
        return flipped.unicodeScalars.count == 1 ? Character(flipped) : character
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
