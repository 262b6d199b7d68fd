import LogModel

/// Encodes and decodes the `attributes` column, which both stores keep as JSON text.
enum AttributeCoding {
    static func encode(_ attributes: [String: JSONValue]) -> String {
        attributes.isEmpty ? "{}" : JSONValue.object(attributes).jsonText
    }

    static func decode(_ text: String) throws -> [String: JSONValue] {
        guard text != "{}" else { return [:] }
        guard case .object(let members) = try JSONParser.parse(text.utf8) else {
            throw JSONParser.SyntaxError(offset: 0, reason: "stored attributes are not a JSON object")
        }
        return members
    }
}
