extension JSONValue {
    /// The value as compact JSON text, which ``JSONParser`` reads back to an equal value.
    ///
    /// Written directly rather than through `JSONEncoder`, because every stored record's attributes
    /// pass through here. Doubles keep a fraction or exponent, so they come back as doubles.
    public var jsonText: String { jsonText(sortingKeys: false) }

    /// The value as compact JSON text, with every object's members in the order of their keys when
    /// `sortingKeys` is set (for lines that people read).
    public func jsonText(sortingKeys: Bool) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(approximateJSONBytes)
        write(to: &output, sortingKeys: sortingKeys)
        return String(decoding: output, as: UTF8.self)
    }

    private func write(to output: inout [UInt8], sortingKeys: Bool) {
        switch self {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let value): output.append(contentsOf: (value ? "true" : "false").utf8)
        case .integer(let value): output.append(contentsOf: String(value).utf8)
        case .double(let value): Self.write(value, to: &output)
        case .string(let value): Self.write(value, to: &output)
        case .array(let values):
            output.append(UInt8(ascii: "["))
            for (position, value) in values.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                value.write(to: &output, sortingKeys: sortingKeys)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            if sortingKeys {
                for (position, key) in members.keys.sorted().enumerated() {
                    Self.write(member: key, members[key, default: .null], at: position, to: &output, sortingKeys: true)
                }
            } else {
                for (position, (key, value)) in members.enumerated() {
                    Self.write(member: key, value, at: position, to: &output, sortingKeys: false)
                }
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    private static func write(
        member key: String, _ value: JSONValue, at position: Int, to output: inout [UInt8], sortingKeys: Bool
    ) {
        if position > 0 { output.append(UInt8(ascii: ",")) }
        write(key, to: &output)
        output.append(UInt8(ascii: ":"))
        value.write(to: &output, sortingKeys: sortingKeys)
    }

    /// Writes a finite double so that it reads back as a double (`1.0`, `1e+20`); JSON has no
    /// infinities or NaN, so those become `null`.
    private static func write(_ value: Double, to output: inout [UInt8]) {
        guard value.isFinite else {
            output.append(contentsOf: "null".utf8)
            return
        }
        output.append(contentsOf: value.description.utf8)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func write(_ text: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            if let escaped = shortEscape(byte) {
                output.append(UInt8(ascii: "\\"))
                output.append(escaped)
            } else if byte < 0x20 {
                output.append(contentsOf: "\\u00".utf8)
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0x0F)])
            } else {
                output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }

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
