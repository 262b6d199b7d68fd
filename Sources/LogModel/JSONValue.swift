/// A JSON value of any kind, as found in the free-form parts of a log record.
///
/// Integers and floating-point numbers are kept apart so that `42` stays `42` through a round trip.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case integer(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

extension JSONValue: Codable {
    /// Decodes any JSON value.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// Encodes the value as the JSON it came from.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

extension JSONValue {
    /// The string, when the value is one.
    public var text: String? {
        if case .string(let text) = self { text } else { nil }
    }

    /// The name of the value's JSON type, for error messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .integer, .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// Whether any string or object key inside the value contains a NUL character,
    /// which neither PostgreSQL text nor jsonb can store.
    public var containsNUL: Bool {
        switch self {
        case .null, .bool, .integer, .double: false
        case .string(let value): value.utf8.contains(0)
        case .array(let values): values.contains { $0.containsNUL }
        case .object(let members): members.contains { $0.key.utf8.contains(0) || $0.value.containsNUL }
        }
    }

    /// How deep arrays and objects nest in the value (0 for a scalar, 1 for a flat array or object)
    /// and how many object keys it holds at every level, counting no further than `limit` of either.
    public func shape(upTo limit: Int) -> (depth: Int, keys: Int) {
        var keys = 0
        let depth = shape(depthLimit: limit, keys: &keys, keyLimit: limit)
        return (depth, keys)
    }

    private func shape(depthLimit: Int, keys: inout Int, keyLimit: Int) -> Int {
        switch self {
        case .null, .bool, .integer, .double, .string:
            return 0
        case .array(let values):
            return 1 + Self.deepest(values, depthLimit: depthLimit, keys: &keys, keyLimit: keyLimit)
        case .object(let members):
            keys += members.count
            return 1 + Self.deepest(members.values, depthLimit: depthLimit, keys: &keys, keyLimit: keyLimit)
        }
    }

    /// The deepest shape among `children`, read without copying them, stopping at either limit.
    private static func deepest(
        _ children: some Sequence<JSONValue>, depthLimit: Int, keys: inout Int, keyLimit: Int
    ) -> Int {
        guard depthLimit > 0 else { return 0 }
        var deepest = 0
        for child in children where keys <= keyLimit {
            deepest = max(deepest, child.shape(depthLimit: depthLimit - 1, keys: &keys, keyLimit: keyLimit))
            if deepest >= depthLimit { break }
        }
        return deepest
    }
}
