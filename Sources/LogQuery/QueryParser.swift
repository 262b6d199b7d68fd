import LogModel

/// Parses the Logsmith query language into a ``QueryNode``.
///
/// The language, in the style of Kibana and Datadog:
/// - `timeout` or `"connection reset"`: the message contains the text, ignoring case; `conn*refused`
///   uses `*` for any run of characters.
/// - `service:api`, `host:web-1`, `environment:prod`, `trace_id:...`, `correlation_id:...`, `id:...`:
///   exact field values; `service:pay*` with a wildcard; `service:"two words"` quoted.
/// - `level:ERROR`, `level:>=WARN`: levels by severity, in any common spelling.
/// - `attributes.user_id:42` (or just `user_id:42`, since any other name is an attribute),
///   `status>=500`, `duration_ms:>250`: attribute equality and numeric comparison; `KEY:*` for presence.
/// - `-term` or `NOT term` negates; terms side by side (or with `AND`) must all match; `OR` offers
///   alternatives and binds looser than AND; parentheses group.
///
/// A query past any of its ``QueryLimits`` is refused with an error naming the limit; nesting is
/// checked before each step down, so the parser's recursion is bounded by ``QueryLimits/maxDepth``.
public enum QueryParser {
    /// Parses a query string; an empty or blank query matches everything.
    public static func parse(_ text: String, limits: QueryLimits = .default) throws(QuerySyntaxError) -> QueryNode {
        guard text.utf8.count <= limits.maxBytes else {
            throw QuerySyntaxError(position: 0, reason: "the query is longer than \(limits.maxBytes) bytes (the limit)")
        }
        var tokenizer = QueryTokenizer(text)
        let tokens = try tokenizer.tokens()
        try check(tokens, limits)
        var parser = Parser(tokens: tokens, end: text.count, maxDepth: limits.maxDepth)
        return try parser.parseQuery()
    }

    private static func check(_ tokens: [QueryToken], _ limits: QueryLimits) throws(QuerySyntaxError) {
        var terms = 0
        var wildcards = 0
        for token in tokens {
            guard case .term(_, _, let value, let quoted) = token.kind else { continue }
            terms += 1
            guard terms <= limits.maxTerms else {
                throw QuerySyntaxError(
                    position: token.position, reason: "the query has more than \(limits.maxTerms) terms (the limit)")
            }
            guard value.utf8.count <= limits.maxTermBytes else {
                throw QuerySyntaxError(
                    position: token.valuePosition,
                    reason: "a term is longer than \(limits.maxTermBytes) bytes (the limit)")
            }
            if !quoted { wildcards += value.utf8.count { $0 == UInt8(ascii: "*") } }
            guard wildcards <= limits.maxWildcards else {
                throw QuerySyntaxError(
                    position: token.valuePosition,
                    reason: "the query has more than \(limits.maxWildcards) wildcards (the limit)")
            }
        }
    }
}

private struct Parser {
    let tokens: [QueryToken]
    let end: Int
    let maxDepth: Int
    var index = 0
    var depth = 0

    init(tokens: [QueryToken], end: Int, maxDepth: Int) {
        self.tokens = tokens
        self.end = end
        self.maxDepth = maxDepth
    }

    var current: QueryToken? { index < tokens.count ? tokens[index] : nil }

    mutating func parseQuery() throws(QuerySyntaxError) -> QueryNode {
        guard !tokens.isEmpty else { return .all }
        let node = try parseOr()
        if let token = current {
            throw QuerySyntaxError(position: token.position, reason: "unexpected ')'")
        }
        return node
    }

    mutating func parseOr() throws(QuerySyntaxError) -> QueryNode {
        var alternatives = [try parseAnd()]
        while let token = current, token.kind == .or {
            index += 1
            alternatives.append(try parseAnd())
        }
        return alternatives.count == 1 ? alternatives[0] : .or(alternatives)
    }

    mutating func parseAnd() throws(QuerySyntaxError) -> QueryNode {
        var terms = [try parseUnary()]
        while let token = current, token.kind != .or, token.kind != .close {
            if token.kind == .and { index += 1 }
            terms.append(try parseUnary())
        }
        let meaningful = terms.filter { $0 != .all }
        switch meaningful.count {
        case 0: return .all
        case 1: return meaningful[0]
        default: return .and(meaningful)
        }
    }

    mutating func parseUnary() throws(QuerySyntaxError) -> QueryNode {
        guard let token = current else {
            throw QuerySyntaxError(position: end, reason: "expected a term")
        }
        switch token.kind {
        case .negate:
            try descend(at: token)
            defer { depth -= 1 }
            return .not(try parseUnary())
        case .open:
            try descend(at: token)
            defer { depth -= 1 }
            let inner = try parseOr()
            guard let close = current, close.kind == .close else {
                throw QuerySyntaxError(position: current?.position ?? end, reason: "expected ')'")
            }
            _ = close
            index += 1
            return inner
        case .close:
            throw QuerySyntaxError(position: token.position, reason: "unexpected ')'")
        case .and, .or:
            throw QuerySyntaxError(position: token.position, reason: "expected a term before AND/OR")
        case .term(let name, let op, let value, let quoted):
            index += 1
            return try TermResolver(valuePosition: token.valuePosition).resolve(
                name: name, op: op, value: value, quoted: quoted)
        }
    }

    /// Steps past a `(` or a negation into one more level of nesting, refusing to go past the limit.
    private mutating func descend(at token: QueryToken) throws(QuerySyntaxError) {
        guard depth < maxDepth else {
            throw QuerySyntaxError(
                position: token.position, reason: "the query nests deeper than \(maxDepth) levels (the limit)")
        }
        depth += 1
        index += 1
    }
}

/// Turns one term into a predicate, knowing which names are fields and which are attributes.
private struct TermResolver {
    let valuePosition: Int

    func resolve(name: String?, op: String?, value: String, quoted: Bool) throws(QuerySyntaxError) -> QueryNode {
        guard let name, let op else { return message(value, quoted: quoted) }
        let comparison = try self.comparison(op)
        switch name.lowercased() {
        case "message", "msg":
            try requireEquality(comparison, name)
            return message(value, quoted: quoted)
        case "level", "severity":
            guard let level = LogLevel(spelling: value) else {
                throw QuerySyntaxError(position: valuePosition, reason: "unknown level \"\(value)\"")
            }
            return .predicate(.level(comparison, level))
        case "pattern":
            try requireEquality(comparison, name)
            guard let id = PatternID(value) else {
                throw QuerySyntaxError(position: valuePosition, reason: "a pattern ID is 16 hex digits")
            }
            return .predicate(.pattern(id))
        default:
            break
        }
        if let field = Self.field(named: name.lowercased()) {
            try requireEquality(comparison, name)
            return text(
                value, quoted: quoted, exact: { .fieldEquals(field, $0) }, pattern: { .fieldMatches(field, $0) })
        }
        let key = Self.attributeKey(name)
        if comparison != .equal {
            guard let number = Double(value), number.isFinite else {
                throw QuerySyntaxError(position: valuePosition, reason: "expected a number after '\(name)\(op)'")
            }
            return .predicate(.attributeCompare(key: key, comparison, number))
        }
        if !quoted, value == "*" { return .predicate(.attributeExists(key: key)) }
        return text(
            value, quoted: quoted, exact: { .attributeEquals(key: key, value: $0) },
            pattern: { .attributeMatches(key: key, $0) })
    }

    private func message(_ value: String, quoted: Bool) -> QueryNode {
        if quoted {
            return .predicate(.messageContains(value))
        }
        let pattern = Pattern(value)
        if pattern.pieces.allSatisfy(\.isEmpty) { return .all }
        if pattern.pieces.count == 1 { return .predicate(.messageContains(value)) }
        return .predicate(.messageMatches(pattern))
    }

    private func text(
        _ value: String, quoted: Bool, exact: (String) -> QueryPredicate, pattern: (Pattern) -> QueryPredicate
    ) -> QueryNode {
        if !quoted, value.contains("*") { return .predicate(pattern(Pattern(value))) }
        return .predicate(exact(value))
    }

    private func comparison(_ op: String) throws(QuerySyntaxError) -> Comparison {
        let symbol = op.hasPrefix(":") ? String(op.dropFirst()) : op
        if symbol.isEmpty { return .equal }
        guard let comparison = Comparison(rawValue: symbol) else {
            throw QuerySyntaxError(position: valuePosition, reason: "unknown operator '\(op)'")
        }
        return comparison
    }

    private func requireEquality(_ comparison: Comparison, _ name: String) throws(QuerySyntaxError) {
        guard comparison == .equal else {
            throw QuerySyntaxError(
                position: valuePosition, reason: "'\(name)' supports only ':'; comparisons work on level and attributes"
            )
        }
    }

    private static func field(named name: String) -> Field? {
        switch name {
        case "source", "hostname": .host
        case "env": .environment
        case "service.name": .service
        default: Field(rawValue: name)
        }
    }

    private static func attributeKey(_ name: String) -> String {
        for prefix in ["attributes.", "attr."] where name.hasPrefix(prefix) && name.count > prefix.count {
            return String(name.dropFirst(prefix.count))
        }
        return name
    }
}
