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

    /// Creates limits.
    public init(maxMessageBytes: Int, maxFieldBytes: Int, maxAttributeCount: Int, maxAttributeValueBytes: Int) {
        self.maxMessageBytes = maxMessageBytes
        self.maxFieldBytes = maxFieldBytes
        self.maxAttributeCount = maxAttributeCount
        self.maxAttributeValueBytes = maxAttributeValueBytes
    }

    /// 64 KiB messages, 256-byte fields, 128 attributes of at most 16 KiB each.
    public static let `default` = RecordLimits(
        maxMessageBytes: 65_536, maxFieldBytes: 256, maxAttributeCount: 128, maxAttributeValueBytes: 16_384)
}
