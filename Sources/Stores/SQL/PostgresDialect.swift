import LogModel
import LogQuery

/// PostgreSQL: `$n` parameters, `timestamptz` and `uuid` columns, ILIKE served by the message word
/// index, and jsonb containment served by the attributes GIN index.
enum PostgresDialect: SQLDialect {
    static func placeholder(_ index: Int) -> String { "$\(index)" }

    static func textArrayElements(_ parameter: String) -> String {
        "SELECT jsonb_array_elements_text(\(parameter)::jsonb) AS key"
    }

    /// Written with immutable operators only (`timestamp + interval` in UTC, not `timestamptz +
    /// interval`, which depends on the session's time zone), so the planner folds it to a constant
    /// and opens (and locks) only the partitions of the range, not every partition.
    static func timestamp(fromMicroseconds parameter: String) -> String {
        "((timestamp 'epoch' + \(parameter)::int8 * interval '1 microsecond') AT TIME ZONE 'UTC')"
    }

    static func id(fromText parameter: String) -> String { "\(parameter)::uuid" }

    /// None: PostgreSQL statements run under `statement_timeout` (see ``PostgresLogStore``).
    static func budgetCondition(_ budget: QueryBudget, _ builder: inout SQLBuilder<Self>) -> String? { nil }
    static let storedRowBytes = "pg_column_size(logs.*)::int8"

    static func matches(_ expression: String, _ pattern: Pattern, _ builder: inout SQLBuilder<Self>) -> String {
        "\(expression) LIKE \(builder.bind(SQLPatterns.like(pattern, anchored: true)))"
    }

    static func text(of column: String) -> String { "\(column)::text" }

    static func integerAttribute(key: String, _ builder: inout SQLBuilder<Self>) -> String {
        let key = builder.bind(key)
        return "(CASE WHEN jsonb_typeof(attributes -> \(key)) = 'number' THEN (attributes ->> \(key))::numeric END)"
    }

    static func attributeText(key: String, _ builder: inout SQLBuilder<Self>) -> String {
        "(attributes ->> \(builder.bind(key)))"
    }

    static func bucket(_ interval: String) -> String {
        "floor(extract(epoch FROM ts) * 1000000 / \(interval)::int8)::int8"
    }

    static func microseconds(of timestamp: String) -> String {
        "(extract(epoch FROM \(timestamp)) * 1000000)::int8"
    }

    static func jsonArrayLength(_ text: String) -> String {
        "jsonb_array_length(\(text)::jsonb)"
    }

    static func condition(for predicate: QueryPredicate, _ builder: inout SQLBuilder<Self>) -> String {
        switch predicate {
        case .messageContains(let text):
            return messageCondition(SQLPatterns.likeContains(text), texts: [text], &builder)
        case .messageMatches(let pattern):
            return messageCondition(SQLPatterns.like(pattern, anchored: false), texts: pattern.pieces, &builder)
        case .fieldEquals(.id, let value):
            guard RecordID.isWellFormed(value.lowercased()) else { return "FALSE" }
            return "id = \(id(fromText: builder.bind(value.lowercased())))"
        case .fieldEquals(let field, let value):
            return "\(SQLPatterns.column(field)) = \(builder.bind(value))"
        case .fieldMatches(let field, let pattern):
            return matches(field == .id ? "id::text" : SQLPatterns.column(field), pattern, &builder)
        case .level(let comparison, let level):
            return SQLPatterns.levelCondition(comparison, level, &builder)
        case .attributeEquals(let key, let value):
            let candidates = containmentCandidates(key: key, value: value)
            return "(" + candidates.map { "attributes @> \(builder.bind($0))::jsonb" }.joined(separator: " OR ") + ")"
        case .attributeMatches(let key, let pattern):
            return "attributes ->> \(builder.bind(key)) LIKE \(builder.bind(SQLPatterns.like(pattern, anchored: true)))"
        case .attributeCompare(let key, let comparison, let number):
            let keyParameter = builder.bind(key)
            return "(CASE WHEN jsonb_typeof(attributes -> \(keyParameter)) = 'number' "
                + "THEN (attributes ->> \(keyParameter))::float8 END) \(comparison.rawValue) "
                + "\(builder.bind(.double(number)))::float8"
        case .attributeExists(let key):
            return "attributes ? \(builder.bind(key))"
        case .pattern(let id):
            return SQLPatterns.patternCondition(id, &builder)
        }
    }

    /// ILIKE on the message, with the superset test that the message word index serves
    /// (``MessageWords``) for the text the pattern holds (`texts`, each a part of every match). An ASCII
    /// pattern is tested under the "C" collation, which folds only ASCII letters (all such a pattern
    /// needs) and costs a third of folding the whole message under the database's locale. The ILIKE
    /// comes first, so a read of the newest rows finds the words of the lines that match only.
    private static func messageCondition(_ pattern: String, texts: [String], _ builder: inout SQLBuilder<Self>)
        -> String
    {
        let parameter = builder.bind(pattern)
        guard let words = wordsCondition(MessageWords.lookedUpPieces(of: texts), &builder) else {
            return "message ILIKE \(parameter)"
        }
        guard pattern.utf8.allSatisfy({ $0 < 0x80 }) else { return "(message ILIKE \(parameter) AND \(words))" }
        return "(message COLLATE \"C\" ILIKE \(parameter) AND \(words))"
    }

    /// The message's entries hold every whole piece (or, for a piece long enough to be over-long in
    /// another case, it or the over-long entry), and for each other piece one of the tenant's
    /// dictionary entries that begins, ends or contains it, or the over-long entry; nil without
    /// pieces. A piece without a separator is looked for among words only, not the tokens holding it.
    private static func wordsCondition(_ pieces: [MessageWords.Piece], _ builder: inout SQLBuilder<Self>) -> String? {
        guard !pieces.isEmpty else { return nil }
        let overlong = MessageWords.overlongEntrySQL
        let words = MessageWords.indexedEntries
        var conditions: [String] = []
        var whole: [String] = []
        let tenant = builder.tenantParameter.map { "tenant = \($0) AND " } ?? ""
        let trigrams = MessageTrigrams.function
        for piece in pieces {
            let text = "lower(\(builder.bind(piece.place == .whole ? piece.text : piece.likePattern)))"
            if piece.place == .whole, piece.text.utf8.count <= MessageWords.surelyShortPiece {
                whole.append(text)
            } else if piece.place == .whole {
                conditions.append("\(words) && ARRAY[\(text), \(overlong)]")
            } else {
                let kind = piece.isInToken ? "" : " AND NOT \(MessageWords.isToken("word"))"
                conditions.append(
                    "\(words) && (ARRAY(SELECT DISTINCT word FROM \(MessageWords.dictionary) WHERE \(tenant)"
                        + "\(trigrams)(word) LIKE \(trigrams)(\(text)) AND word LIKE \(text)\(kind)) || \(overlong))")
            }
        }
        if !whole.isEmpty { conditions.insert("\(words) @> ARRAY[\(whole.joined(separator: ", "))]", at: 0) }
        return conditions.joined(separator: " AND ")
    }

    /// Whether a GIN index serves the predicate: the word index serves text in the message that has a
    /// piece it can look up (``MessageWords/lookedUpPieces(of:)``), the attributes index an
    /// attribute's value or presence (but for a promoted attribute's value, which its column answers).
    static func isIndexed(_ predicate: QueryPredicate) -> Bool {
        guard promotedColumn(predicate) == nil else { return false }
        return switch predicate {
        case .messageContains(let text): !MessageWords.lookedUpPieces(of: [text]).isEmpty
        case .messageMatches(let pattern): !MessageWords.lookedUpPieces(of: pattern.pieces).isEmpty
        case .attributeEquals, .attributeExists: true
        case .fieldEquals, .fieldMatches, .level, .attributeMatches, .attributeCompare, .pattern: false
        }
    }

    /// The columns a predicate's condition reads.
    static func columns(readBy predicate: QueryPredicate) -> [String] {
        if let column = promotedColumn(predicate) { return [column] }
        return switch predicate {
        case .messageContains, .messageMatches: ["message"]
        case .fieldEquals(let field, _), .fieldMatches(let field, _): [SQLPatterns.column(field)]
        case .level: ["level"]
        case .attributeEquals, .attributeMatches, .attributeCompare, .attributeExists: ["attributes"]
        case .pattern: ["pattern_id"]
        }
    }

    /// The column of a promoted attribute whose value the predicate tests, or nil (presence is the
    /// attributes document's to answer).
    private static func promotedColumn(_ predicate: QueryPredicate) -> String? {
        guard let key = predicate.attributeKey, let promoted = PromotedAttribute(key: key) else { return nil }
        if case .attributeExists = predicate { return nil }
        return promoted.column
    }

    /// `{"key": value}` documents for every JSON type the text could stand for: always a string, and
    /// a number or boolean where the text reads as one.
    private static func containmentCandidates(key: String, value: String) -> [String] {
        var values: [JSONValue] = [.string(value)]
        if let integer = Int64(value) {
            values.append(.integer(integer))
        } else if let number = SQLPatterns.number(value) {
            values.append(.double(number))
        }
        if value == "true" || value == "false" { values.append(.bool(value == "true")) }
        return values.map { AttributeCoding.encode([key: $0]) }
    }
}
