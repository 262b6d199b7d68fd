/// The ID of a log pattern: the 64-bit FNV-1a hash of its template's text, so every process that
/// finds the same template names it alike. Written as 16 lowercase hex digits.
public struct PatternID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The hash.
    public var value: UInt64

    /// An ID from its hash.
    public init(value: UInt64) {
        self.value = value
    }

    /// The ID of a template's text.
    public init(template: some StringProtocol) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in template.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        value = hash
    }

    /// The ID written as 16 hex digits (either case); nil for any other text.
    public init?(_ text: some StringProtocol) {
        guard text.utf8.count == 16, let bytes = Hex.decode(text) else { return nil }
        value = bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// The hash as the signed integer a database column holds.
    public var storedValue: Int64 { Int64(bitPattern: value) }

    /// The ID of a stored column value.
    public init(storedValue: Int64) {
        value = UInt64(bitPattern: storedValue)
    }

    /// 16 lowercase hex digits.
    public var description: String {
        Hex.encode((0..<8).reversed().map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) })
    }

    /// Orders by hash.
    public static func < (lhs: PatternID, rhs: PatternID) -> Bool { lhs.value < rhs.value }
}

extension PatternID: Codable {
    /// Reads the 16 hex digits.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let id = PatternID(try container.decode(String.self)) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not 16 hex digits")
        }
        self = id
    }

    /// Writes the 16 hex digits.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
