/// Compact JSON written byte by byte, for the values that every request writes many of (stored
/// records' attributes, pages of records), where `JSONEncoder` costs more than the database read.
public struct JSONOutput: Sendable {
    /// The JSON written so far.
    public private(set) var bytes: [UInt8] = []

    /// An empty output with room for about `capacity` bytes.
    public init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    /// Appends text that is already JSON (punctuation, a literal, an encoded value).
    public mutating func raw(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    /// Appends an object's member name, one that needs no escaping, and its colon, after a comma
    /// unless it is the `first`.
    public mutating func key(_ name: StaticString, first: Bool = false) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    /// Appends bytes that are already JSON, as ``JSONOutput`` wrote them.
    mutating func rawBytes(_ json: some Collection<UInt8>) {
        bytes.append(contentsOf: json)
    }

    /// Appends an object's member name from data and its colon, after a comma unless it is the `first`.
    private mutating func member(_ name: String, first: Bool) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        string(name)
        bytes.append(UInt8(ascii: ":"))
    }

    /// Appends a string literal, escaping quotes, backslashes and control characters (`/` and
    /// non-ASCII characters are written as they are). Runs without escapes are copied whole.
    public mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var start = 0
            for (index, byte) in utf8.enumerated()
            where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                bytes.append(contentsOf: utf8[start..<index])
                escape(byte)
                start = index + 1
            }
            bytes.append(contentsOf: utf8[start...])
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func escape(_ byte: UInt8) {
        if let escaped = Self.shortEscape(byte) {
            bytes.append(UInt8(ascii: "\\"))
            bytes.append(escaped)
        } else {
            bytes.append(contentsOf: "\\u00".utf8)
            bytes.append(Self.hexDigits[Int(byte >> 4)])
            bytes.append(Self.hexDigits[Int(byte & 0x0F)])
        }
    }

    /// Appends a timestamp as an RFC 3339 string (``Timestamp/rfc3339``).
    public mutating func timestamp(_ value: Timestamp) {
        bytes.append(UInt8(ascii: "\""))
        value.appendRFC3339(to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends `true` or `false`.
    public mutating func boolean(_ value: Bool) {
        raw(value ? "true" : "false")
    }

    /// Appends an integer.
    public mutating func integer(_ value: some BinaryInteger) {
        raw(String(value))
    }

    /// Appends a value, with every object's members in the order of their keys when `sortingKeys`
    /// is set. Doubles keep a fraction or exponent, so they read back as doubles; JSON has no
    /// infinities or NaN, so those become `null`.
    public mutating func value(_ value: JSONValue, sortingKeys: Bool) {
        switch value {
        case .null: raw("null")
        case .bool(let value): boolean(value)
        case .integer(let value): integer(value)
        case .double(let value): raw(value.isFinite ? value.description : "null")
        case .string(let value): string(value)
        case .array(let values):
            bytes.append(UInt8(ascii: "["))
            for (position, element) in values.enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                self.value(element, sortingKeys: sortingKeys)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            object(members, sortingKeys: sortingKeys)
        }
    }

    /// Appends an object of values.
    public mutating func object(_ members: [String: JSONValue], sortingKeys: Bool) {
        bytes.append(UInt8(ascii: "{"))
        if sortingKeys {
            for (position, (name, element)) in members.sorted(by: { $0.key < $1.key }).enumerated() {
                member(name, first: position == 0)
                value(element, sortingKeys: true)
            }
        } else {
            for (position, (name, element)) in members.enumerated() {
                member(name, first: position == 0)
                value(element, sortingKeys: false)
            }
        }
        bytes.append(UInt8(ascii: "}"))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// The letter after the backslash for characters with a two-character escape.
    private static func shortEscape(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): byte
        case 0x0A: UInt8(ascii: "n")
        case 0x0D: UInt8(ascii: "r")
        case 0x09: UInt8(ascii: "t")
        default: nil
        }
    }
}

extension JSONValue {
    /// The value as compact JSON text, which ``JSONParser`` reads back to an equal value.
    public var jsonText: String { jsonText(sortingKeys: false) }

    /// The value as compact JSON text, with every object's members in the order of their keys when
    /// `sortingKeys` is set (for lines that people read).
    public func jsonText(sortingKeys: Bool) -> String {
        var output = JSONOutput(capacity: approximateJSONBytes)
        output.value(self, sortingKeys: sortingKeys)
        return String(decoding: output.bytes, as: UTF8.self)
    }
}
