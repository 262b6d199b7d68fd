public import LogModel
import LogQuery

/// The access-log attributes that are also stored in columns of their own, so that filters and
/// analytics over endpoints read a column and its index instead of the attributes document.
///
/// The attributes document keeps every value as sent; a column holds the value only when it has the
/// column's type: `http.status` an integer, or text of three digits, from 100 to 599; `http.route`
/// the attribute, or else the route of `http.path` (``RouteTemplate``);
/// `duration_ms` a finite JSON number; the others text. A query on one of these keys reads the column
/// (``SQLBuilder/condition(for:)``): equality and patterns on the text columns, comparisons on the
/// numeric ones, and a pattern on a number matches its decimal text (`http.status:5*`).
enum PromotedAttribute: String, CaseIterable {
    case httpMethod = "http.method"
    case httpPath = "http.path"
    case httpRoute = "http.route"
    case httpStatus = "http.status"
    case durationMilliseconds = "duration_ms"
    case clientIP = "client.ip"

    /// The column's name.
    var column: String {
        switch self {
        case .httpMethod: "http_method"
        case .httpPath: "http_path"
        case .httpRoute: "http_route"
        case .httpStatus: "http_status"
        case .durationMilliseconds: "duration_ms"
        case .clientIP: "client_ip"
        }
    }

    /// Whether the column holds numbers.
    var isNumeric: Bool { self == .httpStatus || self == .durationMilliseconds }

    /// The text of a text column's value in `attributes`, or nil; for `http.route`, the route
    /// derived from `http.path` when the attribute is not given (``RouteTemplate``).
    func text(in attributes: [String: JSONValue]) -> String? {
        guard !isNumeric, case .string(let text) = attributes[rawValue] else {
            guard self == .httpRoute, let path = PromotedAttribute.httpPath.text(in: attributes) else { return nil }
            return RouteTemplate.route(of: path)
        }
        return text
    }

    /// The status in `attributes`, or nil when it is absent or not a status.
    static func status(in attributes: [String: JSONValue]) -> Int64? {
        switch attributes[PromotedAttribute.httpStatus.rawValue] {
        case .integer(let number): (100...599).contains(number) ? number : nil
        case .string(let text): status(text)
        default: nil
        }
    }

    /// The status that text of three digits stands for, or nil.
    static func status(_ text: String) -> Int64? {
        guard text.utf8.count == 3, let number = Int64(text), (100...599).contains(number) else { return nil }
        return number
    }

    /// The duration in `attributes`, or nil when it is absent or not a number.
    static func duration(in attributes: [String: JSONValue]) -> Double? {
        switch attributes[PromotedAttribute.durationMilliseconds.rawValue] {
        case .integer(let number): Double(number)
        case .double(let number): number.isFinite ? number : nil
        default: nil
        }
    }

    /// The promoted attribute a query key names, or nil.
    init?(key: String) {
        self.init(rawValue: key)
    }

    /// The condition on the column for a predicate on this attribute, or nil when the predicate is
    /// one the attributes document answers: presence, or equality with a value the column cannot hold.
    func condition<Dialect: SQLDialect>(for predicate: QueryPredicate, _ builder: inout SQLBuilder<Dialect>) -> String?
    {
        switch predicate {
        case .attributeEquals(_, let value):
            guard isNumeric else { return "\(column) = \(builder.bind(value))" }
            guard let number = self == .httpStatus ? Self.status(value).map(Double.init) : SQLPatterns.number(value)
            else { return nil }
            return "\(column) = \(builder.bind(.double(number)))"
        case .attributeMatches(_, let pattern):
            return Dialect.matches(isNumeric ? Dialect.text(of: column) : column, pattern, &builder)
        case .attributeCompare(_, let comparison, let number):
            guard isNumeric else { return "FALSE" }
            return "\(column) \(comparison.rawValue) \(builder.bind(.double(number)))"
        default:
            return nil
        }
    }
}

/// The promoted columns for bulk loaders outside the stores (the benchmark's `COPY` floor).
public enum PromotedColumns {
    /// The columns' names, in the order of ``values(in:)``.
    public static let names = PromotedAttribute.allCases.map(\.column)

    /// Each column's value for a record's attributes, as text; nil where the column is NULL.
    public static func values(in attributes: [String: JSONValue]) -> [String?] {
        PromotedAttribute.allCases.map { attribute in
            switch attribute {
            case .httpStatus: PromotedAttribute.status(in: attributes).map(String.init)
            case .durationMilliseconds: PromotedAttribute.duration(in: attributes).map { String($0) }
            default: attribute.text(in: attributes)
            }
        }
    }
}
