import LogModel
import LogQuery

/// A value bound to a statement parameter.
enum SQLValue: Sendable, Hashable {
    case text(String)
    case integer(Int64)
    case double(Double)
    case null
}

/// The SQL that differs between PostgreSQL and SQLite: parameter syntax, timestamp conversion and
/// how each predicate of the query language is written.
protocol SQLDialect {
    /// The text of parameter number `index` (1-based), e.g. `$3` or `?3`.
    static func placeholder(_ index: Int) -> String
    /// A `SELECT` of one text column `key`, a row per element of a JSON array of strings in `parameter`.
    static func textArrayElements(_ parameter: String) -> String
    /// An expression of the timestamp column's type from a parameter holding epoch microseconds.
    static func timestamp(fromMicroseconds parameter: String) -> String
    /// An expression of the id column's type from a text parameter.
    static func id(fromText parameter: String) -> String
    /// The condition for one predicate.
    static func condition(for predicate: QueryPredicate, _ builder: inout SQLBuilder<Self>) -> String
    /// An integer expression over a row of `logs` giving its stored size in bytes, as far as the
    /// database can tell.
    static var storedRowBytes: String { get }
    /// The condition that a text expression matches a pattern, case-sensitively.
    static func matches(_ expression: String, _ pattern: Pattern, _ builder: inout SQLBuilder<Self>) -> String
    /// A number column's value as decimal text.
    static func text(of column: String) -> String
    /// An attribute's value when it is an integer, else NULL.
    static func integerAttribute(key: String, _ builder: inout SQLBuilder<Self>) -> String
    /// An attribute's value as text (numbers and booleans as their JSON text), else NULL.
    static func attributeText(key: String, _ builder: inout SQLBuilder<Self>) -> String
    /// The number of the `interval`-wide bucket (a parameter, in microseconds) a row's `ts` falls in,
    /// counted from the epoch, rounding down.
    static func bucket(_ interval: String) -> String
    /// An integer expression of epoch microseconds from an expression of the timestamp column's type.
    static func microseconds(of timestamp: String) -> String
    /// The number of elements of a JSON array held as text.
    static func jsonArrayLength(_ text: String) -> String
    /// A condition, placed first in a read's WHERE clause, that stops the statement when the budget
    /// runs out; nil when the database is told the budget otherwise.
    static func budgetCondition(_ budget: QueryBudget, _ builder: inout SQLBuilder<Self>) -> String?
}

/// Builds SQL text and its bound values together, so that every value is a parameter.
struct SQLBuilder<Dialect: SQLDialect> {
    private(set) var values: [SQLValue] = []
    /// The parameter holding the tenant of the search condition, once one was built.
    private(set) var tenantParameter: String?

    /// Adds a value and returns the placeholder that refers to it.
    mutating func bind(_ value: SQLValue) -> String {
        values.append(value)
        return Dialect.placeholder(values.count)
    }

    mutating func bind(_ text: String) -> String { bind(.text(text)) }

    /// The WHERE condition of a search: the task's budget check (see
    /// ``SQLDialect/budgetCondition(_:_:)``), tenant, time range, cursor and query.
    mutating func searchCondition(_ request: SearchRequest) -> String {
        var clauses = QueryBudget.current.flatMap { Dialect.budgetCondition($0, &self) }.map { [$0] } ?? []
        let tenant = bind(request.tenant)
        tenantParameter = tenant
        clauses.append("tenant = \(tenant)")
        if let start = request.start {
            clauses.append("ts >= \(Dialect.timestamp(fromMicroseconds: bind(.integer(start.microseconds))))")
        }
        if let end = request.end {
            clauses.append("ts < \(Dialect.timestamp(fromMicroseconds: bind(.integer(end.microseconds))))")
        }
        if let cursor = request.cursor {
            let timestamp = Dialect.timestamp(fromMicroseconds: bind(.integer(cursor.timestamp.microseconds)))
            clauses.append("(ts, id) < (\(timestamp), \(Dialect.id(fromText: bind(cursor.id))))")
        }
        if request.query != .all {
            clauses.append(condition(for: request.query))
        }
        return clauses.joined(separator: " AND ")
    }

    /// The condition for a query tree; a negation also matches rows where the inner condition is NULL.
    mutating func condition(for node: QueryNode) -> String {
        switch node {
        case .all: return "TRUE"
        case .and(let children): return "(" + children.map { condition(for: $0) }.joined(separator: " AND ") + ")"
        case .or(let children): return "(" + children.map { condition(for: $0) }.joined(separator: " OR ") + ")"
        case .not(let child): return "((\(condition(for: child))) IS NOT TRUE)"
        case .predicate(let predicate):
            if let key = predicate.attributeKey, let promoted = PromotedAttribute(key: key),
                let condition = promoted.condition(for: predicate, &self)
            {
                return condition
            }
            return Dialect.condition(for: predicate, &self)
        }
    }
}

extension QueryPredicate {
    /// The attribute the predicate tests, or nil for other fields.
    var attributeKey: String? {
        switch self {
        case .attributeEquals(let key, _), .attributeMatches(let key, _), .attributeCompare(let key, _, _),
            .attributeExists(let key):
            key
        case .messageContains, .messageMatches, .fieldEquals, .fieldMatches, .level, .pattern: nil
        }
    }
}

/// Helpers both dialects use to turn predicates into parameter values.
enum SQLPatterns {
    /// Escapes `\`, `%` and `_` for LIKE with `\` as the escape character.
    static func escapeLike(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "\\" || character == "%" || character == "_" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }

    /// A LIKE pattern for "contains `text`".
    static func likeContains(_ text: String) -> String { "%" + escapeLike(text) + "%" }

    /// A LIKE pattern for a query pattern; unanchored patterns may match anywhere.
    static func like(_ pattern: Pattern, anchored: Bool) -> String {
        let body = pattern.render(wildcard: "%", escape: escapeLike)
        return anchored ? body : "%" + body + "%"
    }

    /// The levels that satisfy a comparison with `level`.
    static func levels(_ comparison: Comparison, _ level: LogLevel) -> [LogLevel] {
        LogLevel.allCases.filter { candidate in
            switch comparison {
            case .equal: candidate == level
            case .less: candidate < level
            case .lessOrEqual: candidate <= level
            case .greater: candidate > level
            case .greaterOrEqual: candidate >= level
            }
        }
    }

    /// `level IN (...)` for the levels that satisfy a comparison; FALSE when none does.
    static func levelCondition<D: SQLDialect>(
        _ comparison: Comparison, _ level: LogLevel, _ builder: inout SQLBuilder<D>
    ) -> String {
        let matching = levels(comparison, level)
        guard !matching.isEmpty else { return "FALSE" }
        return "level IN (" + matching.map { builder.bind($0.rawValue) }.joined(separator: ", ") + ")"
    }

    /// The condition that a record's pattern is the one with ID `id`, or one merged into it: `id` is
    /// first followed to the pattern it was merged into, if any (merges are kept flat, each pointing
    /// at a pattern not merged itself). It reads the tenant's merges, so it needs the tenant's
    /// parameter of the search condition built before it; without one it matches nothing.
    static func patternCondition<D: SQLDialect>(_ id: PatternID, _ builder: inout SQLBuilder<D>) -> String {
        guard let tenant = builder.tenantParameter else { return "FALSE" }
        let given = builder.bind(.integer(id.storedValue))
        let merged =
            "COALESCE((SELECT to_id FROM pattern_merges WHERE tenant = \(tenant) AND from_id = \(given)), \(given))"
        return "pattern_id IN (SELECT from_id FROM pattern_merges WHERE tenant = \(tenant) AND to_id = \(merged) "
            + "UNION ALL SELECT \(merged))"
    }

    /// The column that holds a top-level field.
    static func column(_ field: Field) -> String {
        switch field {
        case .service: "service"
        case .host: "host"
        case .environment: "environment"
        case .traceID: "trace_id"
        case .spanID: "span_id"
        case .correlationID: "correlation_id"
        case .id: "id"
        }
    }

    /// The number a value stands for when it is written as a JSON number, else nil.
    static func number(_ text: String) -> Double? {
        guard let value = Double(text), value.isFinite,
            text.allSatisfy({ $0.isNumber || $0 == "-" || $0 == "." || $0 == "e" || $0 == "E" || $0 == "+" })
        else { return nil }
        return value
    }
}
