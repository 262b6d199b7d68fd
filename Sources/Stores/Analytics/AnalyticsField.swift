/// A field analytics can split counts by: a column, the class of `http.status` (`5xx`), or any
/// attribute.
public enum AnalyticsField: Sendable, Hashable, CustomStringConvertible {
    case level
    case service
    case host
    case environment
    /// `http.status` by hundreds: `2xx`, `4xx`, `5xx`.
    case httpStatusClass
    /// An attribute's value as text (a promoted access-log attribute reads its column).
    case attribute(String)

    /// The field a name stands for: `level`, `service`, `host`, `environment`, `http.status_class`,
    /// or `attributes.KEY` (a bare other name is an attribute too, as in the query language).
    public init?(name: String) {
        switch name {
        case "": return nil
        case "level": self = .level
        case "service": self = .service
        case "host": self = .host
        case "environment": self = .environment
        case "http.status_class": self = .httpStatusClass
        default:
            let key = name.hasPrefix("attributes.") ? String(name.dropFirst("attributes.".count)) : name
            guard !key.isEmpty, key.utf8.count <= 256 else { return nil }
            self = .attribute(key)
        }
    }

    /// The name the field goes by in answers.
    public var description: String {
        switch self {
        case .level: "level"
        case .service: "service"
        case .host: "host"
        case .environment: "environment"
        case .httpStatusClass: "http.status_class"
        case .attribute(let key): "attributes.\(key)"
        }
    }

    /// A text expression of the field's value for one row (NULL when the row has none).
    func expression<Dialect: SQLDialect>(_ builder: inout SQLBuilder<Dialect>) -> String {
        switch self {
        case .level: "level"
        case .service: "service"
        case .host: "host"
        case .environment: "environment"
        case .httpStatusClass: "(\(Dialect.text(of: "(http_status / 100)")) || 'xx')"
        case .attribute(let key):
            if let promoted = PromotedAttribute(key: key) {
                promoted.isNumeric ? Dialect.text(of: promoted.column) : promoted.column
            } else {
                Dialect.attributeText(key: key, &builder)
            }
        }
    }
}
