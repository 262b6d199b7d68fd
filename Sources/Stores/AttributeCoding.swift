import LogModel

/// Encodes and decodes the `attributes` column, which both stores keep as JSON text.
enum AttributeCoding {
    static func encode(_ attributes: [String: JSONValue]) -> String {
        attributes.isEmpty ? "{}" : JSONValue.object(attributes).jsonText
    }

    static func decode(_ text: String) throws -> RecordAttributes {
        guard text != "{}" else { return RecordAttributes([:]) }
        var text = text
        return try text.withUTF8 { utf8 in try RecordAttributes(storedText: UnsafeRawBufferPointer(utf8)) }
    }
}
