import Foundation
import LogModel
import LogQuery

/// SQLite: `?n` parameters, epoch-microsecond integer and text-UUID columns, an FTS5 trigram index
/// over the message for substring search, and JSON1 functions over the attributes text.
enum SQLiteDialect: SQLDialect {
    static func placeholder(_ index: Int) -> String { "?\(index)" }

    static func textArrayElements(_ parameter: String) -> String { "SELECT value AS key FROM json_each(\(parameter))" }

    static func timestamp(fromMicroseconds parameter: String) -> String { parameter }

    static func id(fromText parameter: String) -> String { parameter }

    static func budgetCondition(_ budget: QueryBudget, _ builder: inout SQLBuilder<Self>) -> String? {
        let (deadline, cancellation) = SQLiteBudgetCheck.arguments(for: budget)
        return "\(SQLiteBudgetCheck.functionName)(\(builder.bind(.integer(deadline))), "
            + "\(builder.bind(.integer(cancellation))))"
    }
    /// The length of the row's text values in bytes, and eight bytes for each integer.
    static let storedRowBytes =
        (["id", "tenant", "level", "message", "attributes"].map { "length(CAST(\($0) AS BLOB))" }
        + [
            "service", "host", "environment", "trace_id", "span_id", "correlation_id", "http_method", "http_path",
            "client_ip", "http_route",
        ].map { "coalesce(length(CAST(\($0) AS BLOB)), 0)" }
        + [
            "(CASE WHEN http_status IS NULL THEN 0 ELSE 8 END)", "(CASE WHEN duration_ms IS NULL THEN 0 ELSE 8 END)",
            "(CASE WHEN pattern_id IS NULL THEN 0 ELSE 8 END)", "32",
        ])
        .joined(separator: " + ")

    static func matches(_ expression: String, _ pattern: Pattern, _ builder: inout SQLBuilder<Self>) -> String {
        "\(expression) GLOB \(builder.bind(glob(pattern)))"
    }

    /// Integral numbers without the `.0` that SQLite's text of a REAL would add.
    static func text(of column: String) -> String {
        "(CASE WHEN \(column) = CAST(\(column) AS INTEGER) THEN CAST(CAST(\(column) AS INTEGER) AS TEXT) "
            + "ELSE CAST(\(column) AS TEXT) END)"
    }

    static func integerAttribute(key: String, _ builder: inout SQLBuilder<Self>) -> String {
        let path = builder.bind(jsonPath(key))
        return "(CASE WHEN json_type(attributes, \(path)) = 'integer' THEN json_extract(attributes, \(path)) END)"
    }

    static func attributeText(key: String, _ builder: inout SQLBuilder<Self>) -> String {
        "CAST(json_extract(attributes, \(builder.bind(jsonPath(key)))) AS TEXT)"
    }

    static func bucket(_ interval: String) -> String {
        "((ts - (((ts % \(interval)) + \(interval)) % \(interval))) / \(interval))"
    }

    static func microseconds(of timestamp: String) -> String { timestamp }

    static func jsonArrayLength(_ text: String) -> String { "json_array_length(\(text))" }

    static func condition(for predicate: QueryPredicate, _ builder: inout SQLBuilder<Self>) -> String {
        switch predicate {
        case .messageContains(let text):
            return messageCondition(like: SQLPatterns.likeContains(text), pieces: [text], &builder)
        case .messageMatches(let pattern):
            return messageCondition(like: SQLPatterns.like(pattern, anchored: false), pieces: pattern.pieces, &builder)
        case .fieldEquals(.id, let value):
            return "id = \(builder.bind(value.lowercased()))"
        case .fieldEquals(let field, let value):
            return "\(SQLPatterns.column(field)) = \(builder.bind(value))"
        case .fieldMatches(let field, let pattern):
            return matches(SQLPatterns.column(field), pattern, &builder)
        case .level(let comparison, let level):
            return SQLPatterns.levelCondition(comparison, level, &builder)
        case .attributeEquals(let key, let value):
            let path = builder.bind(jsonPath(key))
            var alternatives = [
                "(json_type(attributes, \(path)) = 'text' AND json_extract(attributes, \(path)) = \(builder.bind(value)))"
            ]
            if let number = SQLPatterns.number(value) {
                alternatives.append(
                    "(json_type(attributes, \(path)) IN ('integer', 'real') "
                        + "AND json_extract(attributes, \(path)) = \(builder.bind(.double(number))))")
            }
            if value == "true" || value == "false" {
                alternatives.append("json_type(attributes, \(path)) = \(builder.bind(value))")
            }
            return "(" + alternatives.joined(separator: " OR ") + ")"
        case .attributeMatches(let key, let pattern):
            let path = builder.bind(jsonPath(key))
            return "(json_type(attributes, \(path)) = 'text' AND json_extract(attributes, \(path)) GLOB "
                + "\(builder.bind(glob(pattern))))"
        case .attributeCompare(let key, let comparison, let number):
            let path = builder.bind(jsonPath(key))
            return "(CASE WHEN json_type(attributes, \(path)) IN ('integer', 'real') "
                + "THEN json_extract(attributes, \(path)) END) \(comparison.rawValue) \(builder.bind(.double(number)))"
        case .attributeExists(let key):
            return "json_type(attributes, \(builder.bind(jsonPath(key)))) IS NOT NULL"
        case .pattern(let id):
            return SQLPatterns.patternCondition(id, &builder)
        }
    }

    /// LIKE over the message, narrowed first through the trigram index by the trigrams of every
    /// literal piece of at least three characters (the trigram tokenizer cannot look up shorter ones).
    private static func messageCondition(like: String, pieces: [String], _ builder: inout SQLBuilder<Self>) -> String {
        var conditions: [String] = []
        for piece in pieces {
            guard let trigrams = trigramQuery(piece) else { continue }
            conditions.append("seq IN (SELECT rowid FROM logs_fts WHERE logs_fts MATCH \(builder.bind(trigrams)))")
        }
        conditions.append("message LIKE \(builder.bind(like)) ESCAPE '\\'")
        return "(" + conditions.joined(separator: " AND ") + ")"
    }

    /// The FTS5 query that a message holding `piece` matches: up to ``maxTrigrams`` of its distinct
    /// trigrams, spread over the piece, each a one-token string, all required; nil when the piece is
    /// shorter than three characters. Not the piece as a phrase: FTS5 matches a phrase position by
    /// position, which for a run of one character in a long message of that character costs the
    /// product of their lengths, while LIKE checks the order anyway.
    static func trigramQuery(_ piece: String) -> String? {
        let scalars = Array(piece.unicodeScalars)
        guard scalars.count >= 3 else { return nil }
        var seen = Set<String>()
        var distinct: [String] = []
        for start in 0...(scalars.count - 3) {
            var trigram = String.UnicodeScalarView()
            trigram.append(contentsOf: scalars[start..<start + 3])
            let text = String(trigram)
            if seen.insert(text.lowercased()).inserted { distinct.append(text) }
        }
        let step = max(1, (distinct.count + maxTrigrams - 1) / maxTrigrams)
        let chosen = stride(from: 0, to: distinct.count, by: step).map { distinct[$0] }
        return chosen.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: " ")
    }

    /// Most trigrams one piece looks up.
    static let maxTrigrams = 16

    /// A GLOB pattern (case-sensitive, as PostgreSQL's LIKE is) with the literal parts escaped.
    private static func glob(_ pattern: Pattern) -> String {
        pattern.render(wildcard: "*") { piece in
            var escaped = ""
            for character in piece {
                switch character {
                case "*", "?", "[": escaped += "[\(character)]"
                default: escaped.append(character)
                }
            }
            return escaped
        }
    }

    /// The JSON path of a top-level attribute key, quoted so keys with dots (`http.status`) stay whole.
    private static func jsonPath(_ key: String) -> String {
        "$.\"" + key.replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
