import Foundation
import LogModel

/// Encodes and decodes the `attributes` column, which both stores keep as JSON text.
enum AttributeCoding {
    static func encode(_ attributes: [String: JSONValue]) -> String {
        guard !attributes.isEmpty else { return "{}" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        // Encoding a JSONValue tree cannot fail: every case maps to plain JSON.
        let data = try! encoder.encode(attributes)
        return String(decoding: data, as: UTF8.self)
    }

    static func decode(_ text: String) throws -> [String: JSONValue] {
        guard text != "{}" else { return [:] }
        return try JSONDecoder().decode([String: JSONValue].self, from: Data(text.utf8))
    }
}
