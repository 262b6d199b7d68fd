public import LogModel

/// A parsed search query: a boolean tree whose leaves are ``QueryPredicate``s.
public indirect enum QueryNode: Sendable, Hashable {
    /// Matches every record (the empty query, or `*`).
    case all
    /// Matches records that match every child.
    case and([QueryNode])
    /// Matches records that match at least one child.
    case or([QueryNode])
    /// Matches records that do not match the child.
    case not(QueryNode)
    /// A single condition on one field.
    case predicate(QueryPredicate)

    /// Every predicate in the tree, negated or not, in the order they appear.
    public var predicates: [QueryPredicate] {
        switch self {
        case .all: []
        case .and(let children), .or(let children): children.flatMap(\.predicates)
        case .not(let child): child.predicates
        case .predicate(let predicate): [predicate]
        }
    }

    /// Whether every matching record satisfies a predicate for which `holds` is true, so that an index
    /// of such predicates finds every candidate (not so under a negation, or in an `OR` with others).
    public func requires(_ holds: (QueryPredicate) -> Bool) -> Bool {
        switch self {
        case .all, .not: false
        case .and(let children): children.contains { $0.requires(holds) }
        case .or(let children): !children.isEmpty && children.allSatisfy { $0.requires(holds) }
        case .predicate(let predicate): holds(predicate)
        }
    }
}

/// A condition on one field of a record.
public enum QueryPredicate: Sendable, Hashable {
    /// The message contains the text, ignoring case (a word, a phrase, or a substring of an ID).
    case messageContains(String)
    /// The message matches a pattern in which `*` stands for any run of characters, ignoring case.
    case messageMatches(Pattern)
    /// A text field equals the value exactly.
    case fieldEquals(Field, String)
    /// A text field matches a pattern in which `*` stands for any run of characters.
    case fieldMatches(Field, Pattern)
    /// The level compares with the given level by severity (`level:>=WARN`).
    case level(Comparison, LogLevel)
    /// The attribute's value, as text, equals the value (numbers and booleans compare by their JSON text).
    case attributeEquals(key: String, value: String)
    /// The attribute's value, as text, matches the pattern.
    case attributeMatches(key: String, Pattern)
    /// The attribute holds a number that compares with the given one.
    case attributeCompare(key: String, Comparison, Double)
    /// The attribute is present, whatever its value (`attributes.KEY:*`).
    case attributeExists(key: String)
    /// The record's message was assigned the pattern, or a pattern since merged into it (`pattern:ID`).
    case pattern(PatternID)
}

/// A top-level text field of a record that a query can name.
public enum Field: String, Sendable, Hashable, CaseIterable {
    case service
    case host
    case environment
    case traceID = "trace_id"
    case spanID = "span_id"
    case correlationID = "correlation_id"
    case id
}

/// An ordering comparison.
public enum Comparison: String, Sendable, Hashable {
    case equal = "="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
}

/// A text pattern in which `*` stands for any run of characters; its literal parts are kept apart
/// so each store can escape them for its own pattern syntax.
public struct Pattern: Sendable, Hashable {
    /// The literal pieces between the `*`s; an empty first or last piece means the pattern starts or
    /// ends with `*`.
    public var pieces: [String]

    /// Splits text at every `*`.
    public init(_ text: String) {
        pieces = text.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
    }

    /// The pattern with every `*` rendered as `wildcard` and every literal piece passed through `escape`.
    public func render(wildcard: String, escape: (String) -> String) -> String {
        pieces.map(escape).joined(separator: wildcard)
    }
}
