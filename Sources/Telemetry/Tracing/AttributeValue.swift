public import Tracing

/// An attribute value as OTLP carries it: every kind of `AnyValue`.
public indirect enum AttributeValue: Sendable, Equatable {
    /// A UTF-8 string.
    case string(String)
    /// A Boolean.
    case bool(Bool)
    /// A signed 64-bit integer.
    case int(Int64)
    /// A double-precision float.
    case double(Double)
    /// A list of values.
    case array([AttributeValue])
    /// A list of key-value pairs.
    case keyValueList([KeyValue])
    /// Raw bytes.
    case bytes([UInt8])

    /// Converts a swift-distributed-tracing attribute.
    public init(_ attribute: SpanAttribute) {
        switch attribute {
        case .int32(let value): self = .int(Int64(value))
        case .int64(let value): self = .int(value)
        case .int32Array(let values): self = .array(values.map { .int(Int64($0)) })
        case .int64Array(let values): self = .array(values.map { .int($0) })
        case .double(let value): self = .double(value)
        case .doubleArray(let values): self = .array(values.map { .double($0) })
        case .bool(let value): self = .bool(value)
        case .boolArray(let values): self = .array(values.map { .bool($0) })
        case .string(let value): self = .string(value)
        case .stringArray(let values): self = .array(values.map { .string($0) })
        case .stringConvertibleArray(let values): self = .array(values.map { .string($0.description) })
        case .stringConvertible(let value): self = .string(value.description)
        default: self = .string("\(attribute)")
        }
    }
}

/// One named attribute.
public struct KeyValue: Sendable, Equatable {
    /// The attribute's name.
    public var key: String
    /// The attribute's value.
    public var value: AttributeValue

    /// Creates an attribute.
    public init(_ key: String, _ value: AttributeValue) {
        self.key = key
        self.value = value
    }

    /// Converts a set of swift-distributed-tracing attributes, sorted by name so output is stable.
    public static func list(_ attributes: SpanAttributes) -> [KeyValue] {
        var list: [KeyValue] = []
        attributes.forEach { key, value in list.append(KeyValue(key, AttributeValue(value))) }
        return list.sorted { $0.key < $1.key }
    }
}
