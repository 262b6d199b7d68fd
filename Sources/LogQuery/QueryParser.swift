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
public enum QueryParser {
    /// Parses a query string; an empty or blank query matches everything.
    public static func parse(_ text: String) throws(QuerySyntaxError) -> QueryNode {
        var tokenizer = QueryTokenizer(text)
        var parser = Parser(tokens: try tokenizer.tokens(), end: text.count)
        return try parser.parseQuery()
    }
}

private struct Parser {
    let tokens: [QueryToken]
    let end: Int
    var index = 0

    init(tokens: [QueryToken], end: Int) {
        self.tokens = tokens
        self.end = end
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
            index += 1
            return .not(try parseUnary())
        case .open:
            index += 1
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
