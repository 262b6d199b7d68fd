/// Size limits on one record, so a single sender cannot store unbounded values.
public struct RecordLimits: Sendable {
    /// Largest message, in UTF-8 bytes.
    public var maxMessageBytes: Int
    /// Largest value of `service`, `host`, `environment`, the IDs and attribute keys, in UTF-8 bytes.
    public var maxFieldBytes: Int
    /// Largest number of attributes.
    public var maxAttributeCount: Int
    /// Largest attribute value, in bytes of its JSON encoding.
    public var maxAttributeValueBytes: Int
    /// Deepest nesting of arrays and objects in one attribute value (1 for a flat array or object).
    public var maxAttributeDepth: Int
    /// Most object keys in all attributes together, nested ones included.
    public var maxAttributeKeys: Int

    /// Creates limits.
    public init(
        maxMessageBytes: Int, maxFieldBytes: Int, maxAttributeCount: Int, maxAttributeValueBytes: Int,
        maxAttributeDepth: Int, maxAttributeKeys: Int
    ) {
        self.maxMessageBytes = maxMessageBytes
        self.maxFieldBytes = maxFieldBytes
        self.maxAttributeCount = maxAttributeCount
        self.maxAttributeValueBytes = maxAttributeValueBytes
        self.maxAttributeDepth = maxAttributeDepth
        self.maxAttributeKeys = maxAttributeKeys
    }

    /// 64 KiB messages, 256-byte fields, 128 attributes of at most 16 KiB each, nested at most 16
    /// deep, with at most 256 keys in all.
    public static let `default` = RecordLimits(
        maxMessageBytes: 65_536, maxFieldBytes: 256, maxAttributeCount: 128, maxAttributeValueBytes: 16_384,
        maxAttributeDepth: 16, maxAttributeKeys: 256)
}
