import Foundation
import LogModel
import TestSupport
import Testing

@Suite("Sorted JSON text and record attributes")
struct SortedTextTests {
    /// What the writer writes, keys sorted, for what the parser reads from `text`.
    static func writtenAfterParsing(_ text: [UInt8]) throws -> [UInt8] {
        var output = JSONOutput()
        output.value(try JSONParser.parse(text), sortingKeys: true)
        return output.bytes
    }

    static func sortedText(_ text: [UInt8]) throws -> [UInt8] {
        try text.withUnsafeBytes { bytes in try JSONParser.sortedText(bytes) }
    }

    @Test(
        "stored text is written as the writer writes what the parser reads",
        arguments: [
            #"{"b": 1, "a": [1, 2.50, {"z": null, "y": true}], "ü": "é", "aa": {}}"#,
            #"{"big": 100000000000000000000, "small": 0.00000010, "zero": -0, "over": 9223372036854775808}"#,
            #"{"min": -9223372036854775808, "exp": 1E+2, "one": 1.0, "neg": -1e-3, "pi": 3.14159265358979323846}"#,
            #"{"escapes": "\b\f\n\r\t\u0001\u001f\"\\\/", "unicode": "\u00e9\ud83d\ude00", "raw": "é😀✓"}"#,
            #"{"a": 1, "a": 2, "b": {"c": 1, "c": [3]}}"#,
            "{\"e\\u0301\": 1, \"é\": 2, \"d\": 3}",
            #"{"k\"ey": 1, "k\\ey": 2, "k\u0000ey": 3, "": 4}"#,
            #" { "nested" : [ [ ] , { } , [ { "b" : 2 , "a" : 1 } ] ] } "#,
            #"[3, "x", {"b": 1, "a": 2}]"#, "\"alone\"", "42", "null",
        ])
    func sortedText_handWritten_matchesParseThenWrite(text: String) throws {
        let bytes = Array(text.utf8)
        #expect(try Self.sortedText(bytes) == (try Self.writtenAfterParsing(bytes)), "\(text)")
    }

    @Test("random values, as PostgreSQL's jsonb and Foundation write them, give the writer's text")
    func sortedText_randomValues_matchParseThenWrite() throws {
        var generator = SeededGenerator(seed: 25)
        for _ in 0..<2_000 {
            let value = JSONValue.random(using: &generator, depth: 0)
            let foundation = try JSONSerialization.data(withJSONObject: ["v": value.foundationObject])
            for text in [Array(Self.jsonbText(value).utf8), Array(value.jsonText.utf8), Array(foundation)] {
                #expect(
                    try Self.sortedText(text) == (try Self.writtenAfterParsing(text)),
                    "\(String(decoding: text, as: UTF8.self))")
            }
        }
    }

    @Test("text that is not JSON is the error the parser gives", arguments: JSONParserTests.invalidTexts)
    func sortedText_invalid_failsAsParse(text: String, message: String) {
        let error = #expect(throws: JSONParser.SyntaxError.self) { try Self.sortedText(Array(text.utf8)) }
        #expect(error?.description == message)
    }

    @Test("invalid UTF-8 in stored text is an error")
    func sortedText_invalidUTF8_fails() {
        for bytes: [UInt8] in [[0x22, 0xFF, 0x22], [0x7B, 0x22, 0xC3, 0x22, 0x3A, 0x31, 0x7D]] {
            #expect(throws: JSONParser.SyntaxError.self) { try Self.sortedText(bytes) }
        }
    }

    @Test("attributes held as text equal, hash and encode as the same attributes held as members")
    func recordAttributes_textAndMembers_agree() throws {
        let members: [String: JSONValue] = [
            "http.status": .integer(504), "duration_ms": .double(3000.5), "user": .object(["id": .string("u-1")]),
            "tags": .array([.string("a\u{8}b"), .null]),
        ]
        let text = Array(
            #"{"tags": ["a\bb", null], "user": {"id": "u-1"}, "duration_ms": 3000.5, "http.status": 504}"#.utf8)
        let stored = try text.withUnsafeBytes { try RecordAttributes(storedText: $0) }
        let held = RecordAttributes(members)
        #expect(stored == held)
        #expect(stored.hashValue == held.hashValue)
        #expect(stored.members == members)
        var fromText = JSONOutput()
        stored.writeJSON(to: &fromText)
        var fromMembers = JSONOutput()
        held.writeJSON(to: &fromMembers)
        #expect(fromText.bytes == fromMembers.bytes)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(try encoder.encode(stored) == (try encoder.encode(held)))
        #expect(try JSONDecoder().decode(RecordAttributes.self, from: encoder.encode(stored)) == held)
    }

    @Test("stored text that is not an object is an error")
    func recordAttributes_notAnObject_fails() {
        for text in ["[1]", "\"a\"", "{\"a\":"] {
            #expect(throws: JSONParser.SyntaxError.self) {
                try Array(text.utf8).withUnsafeBytes { try RecordAttributes(storedText: $0) }
            }
        }
    }

    /// The value as PostgreSQL's `jsonb` output writes it: keys shorter first, then by bytes; a space
    /// after each colon and comma; numbers without exponents; `\b` and `\f` escaped by letter.
    static func jsonbText(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .integer(let value): String(value)
        case .double(let value): plainDecimal(value.description)
        case .string(let text): jsonbString(text)
        case .array(let values): "[" + values.map(jsonbText).joined(separator: ", ") + "]"
        case .object(let members):
            "{"
                + members.sorted(by: jsonbOrder).map { jsonbString($0.key) + ": " + jsonbText($0.value) }.joined(
                    separator: ", ")
                + "}"
        }
    }

    /// `jsonb`'s order of keys: shorter first, then by bytes.
    private static func jsonbOrder(_ first: (key: String, value: JSONValue), _ second: (key: String, value: JSONValue))
        -> Bool
    {
        let (left, right) = (Array(first.key.utf8), Array(second.key.utf8))
        return left.count != right.count ? left.count < right.count : left.lexicographicallyPrecedes(right)
    }

    private static func jsonbString(_ text: String) -> String {
        var escaped = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\u{8}": escaped += "\\b"
            case "\u{C}": escaped += "\\f"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case _ where scalar.value < 0x20: escaped += String(format: "\\u%04x", scalar.value)
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped + "\""
    }

    /// `1.5e-07` as `0.00000015`, `1e+20` as `100000000000000000000`.
    private static func plainDecimal(_ text: String) -> String {
        guard let exponentMark = text.firstIndex(where: { $0 == "e" || $0 == "E" }) else { return text }
        let exponent = Int(text[text.index(after: exponentMark)...])!
        var mantissa = text[..<exponentMark]
        let sign = mantissa.hasPrefix("-") ? "-" : ""
        if !sign.isEmpty { mantissa = mantissa.dropFirst() }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let digits = String(parts[0]) + (parts.count > 1 ? String(parts[1]) : "")
        let point = parts[0].count + exponent
        if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + digits }
        if point >= digits.count { return sign + digits + String(repeating: "0", count: point - digits.count) }
        return sign + digits.prefix(point) + "." + digits.dropFirst(point)
    }
}
