import Foundation
import LogModel
import TestSupport
import Testing

@Suite("JSON parser and writer")
struct JSONParserTests {
    func parse(_ text: String) throws(JSONParser.SyntaxError) -> JSONValue {
        try JSONParser.parse(Array(text.utf8))
    }

    @Test(
        "valid JSON becomes the expected value",
        arguments: [
            ("{}", JSONValue.object([:])),
            (" [ ] ", .array([])),
            (
                #"{"a":1,"b":[true,false,null],"c":{"d":"e"}}"#,
                .object([
                    "a": .integer(1), "b": .array([.bool(true), .bool(false), .null]),
                    "c": .object(["d": .string("e")]),
                ])
            ),
            ("\t\r\n 42 \n", .integer(42)),
            ("-0", .integer(0)),
            ("1.5", .double(1.5)),
            ("1.0", .double(1)),
            ("-1e-3", .double(-0.001)),
            ("1E+2", .double(100)),
            ("9223372036854775807", .integer(.max)),
            ("-9223372036854775808", .integer(.min)),
            ("9223372036854775808", .double(9_223_372_036_854_775_808)),
            ("-9223372036854775809", .double(-9_223_372_036_854_775_808)),
            (#""\"\\\/\b\f\n\r\t""#, .string("\"\\/\u{8}\u{C}\n\r\t")),
            (#""caf\u00e9 \u00E9""#, .string("café é")),
            (#""\ud83d\ude00 and \u0000""#, .string("😀 and \u{0}")),
            (#""raw é😀 ✓""#, .string("raw é😀 ✓")),
            (#"{"k":1,"k":2}"#, .object(["k": .integer(2)])),
        ])
    func parse_valid(text: String, expected: JSONValue) throws {
        #expect(try parse(text) == expected)
    }

    /// Text that is not JSON, and the error each is.
    static let invalidTexts: [(String, String)] = [
        ("", "unexpected end of input, expected a value at byte 0"),
        (#"{"a":1,}"#, "unexpected character '}', expected a string key at byte 7"),
        ("[1,]", "unexpected character ']', expected a value at byte 3"),
        ("01", "invalid number, leading zero at byte 1"),
        ("1.", "invalid number, expected a digit after '.' at byte 2"),
        (".5", "unexpected character '.', expected a value at byte 0"),
        ("+1", "unexpected character '+', expected a value at byte 0"),
        ("-", "invalid number, expected a digit at byte 1"),
        ("1e", "invalid number, expected a digit after the exponent at byte 2"),
        ("NaN", "unexpected character 'N', expected a value at byte 0"),
        ("1e999", "number out of range at byte 0"),
        ("'a'", "unexpected character ''', expected a value at byte 0"),
        (#""abc"#, "unterminated string at byte 0"),
        (#""a\x""#, "invalid escape sequence at byte 2"),
        (#""\u12""#, "invalid \\u escape at byte 1"),
        (#""\ud800""#, "high surrogate escape without a low surrogate at byte 1"),
        (#""\ud800\u0041""#, "high surrogate escape without a low surrogate at byte 1"),
        (#""\udc00""#, "low surrogate escape without a high surrogate at byte 1"),
        ("\"a\u{1}\"", "unescaped control character in string at byte 2"),
        (#"{"a" 1}"#, "unexpected character '1', expected ':' at byte 5"),
        ("{1:2}", "unexpected character '1', expected a string key at byte 1"),
        ("tru", "invalid literal, expected true at byte 0"),
        ("nul", "invalid literal, expected null at byte 0"),
        ("[1] x", "unexpected character 'x' after the value at byte 4"),
        ("[1 2]", "unexpected character '2', expected ',' or ']' at byte 3"),
        (#"{"a":1"#, "unexpected end of input, expected ',' or '}' at byte 6"),
    ]

    @Test("invalid JSON is an error with the reason and offset", arguments: invalidTexts)
    func parse_invalid(text: String, message: String) {
        #expect(throws: JSONParser.SyntaxError.self) { try parse(text) }
        do {
            _ = try parse(text)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test("invalid UTF-8 in a string is an error")
    func parse_invalidUTF8_fails() {
        for bytes: [UInt8] in [[0x22, 0xFF, 0x22], [0x22, 0xC3, 0x22], [0x22, 0x5C, 0x6E, 0xED, 0xA0, 0x80, 0x22]] {
            #expect(throws: JSONParser.SyntaxError(offset: 1, reason: "string is not valid UTF-8")) {
                try JSONParser.parse(bytes)
            }
        }
    }

    @Test("nesting is bounded")
    func parse_depth_isBounded() throws {
        let deepest =
            String(repeating: "[", count: JSONParser.maximumDepth)
            + String(repeating: "]", count: JSONParser.maximumDepth)
        #expect(try parse(deepest) != .null)
        let tooDeep = String(repeating: "[", count: JSONParser.maximumDepth + 1)
        #expect(throws: JSONParser.SyntaxError(offset: JSONParser.maximumDepth, reason: "nested more than 512 deep")) {
            try parse(tooDeep)
        }
    }

    @Test("random values survive a write and a parse, and Foundation reads what we write")
    func writeThenParse_roundTrips() throws {
        var generator = SeededGenerator(seed: 42)
        for _ in 0..<2_000 {
            let value = JSONValue.random(using: &generator, depth: 0)
            let text = value.jsonText
            #expect(try parse(text) == value, "\(text)")
            let foundation = try JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed)
            #expect(
                try parse(
                    String(
                        decoding: JSONSerialization.data(withJSONObject: foundation, options: .fragmentsAllowed),
                        as: UTF8.self)
                ).sameNumbers(as: value))
        }
    }

    @Test("the parser agrees with Foundation's JSONSerialization on what Foundation writes")
    func parse_matchesFoundation() throws {
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<500 {
            let object = JSONValue.random(using: &generator, depth: 0).foundationObject
            let data = try JSONSerialization.data(withJSONObject: ["v": object], options: [])
            let parsed = try JSONParser.parse(data)
            let reread = try JSONSerialization.jsonObject(with: Data(parsed.jsonText.utf8)) as? NSDictionary
            #expect(reread == (try JSONSerialization.jsonObject(with: data) as? NSDictionary))
        }
    }
}

extension JSONValue {
    private static let alphabet: [String] = [
        "a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{1}", "\u{1F}", "é", "😀", "✓", "\u{7F}",
    ]

    static func random(using generator: inout SeededGenerator, depth: Int) -> JSONValue {
        switch Int.random(in: 0..<(depth < 3 ? 8 : 6), using: &generator) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &generator))
        case 2:
            return .integer(
                Int64.random(in: .min ... .max, using: &generator) >> Int64.random(in: 0..<63, using: &generator))
        case 3:
            return .double(
                Double.random(in: -1e6...1e6, using: &generator)
                    * pow(10, Double(Int.random(in: -30...30, using: &generator))))
        case 4, 5: return .string(randomString(using: &generator))
        case 6:
            return .array(
                (0..<Int.random(in: 0..<5, using: &generator)).map { _ in random(using: &generator, depth: depth + 1) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0..<5, using: &generator) {
                members[randomString(using: &generator)] = random(using: &generator, depth: depth + 1)
            }
            return .object(members)
        }
    }

    private static func randomString(using generator: inout SeededGenerator) -> String {
        (0..<Int.random(in: 0..<12, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }.joined()
    }

    /// The value as Foundation's JSON objects.
    var foundationObject: Any {
        switch self {
        case .null: NSNull()
        case .bool(let value): value
        case .integer(let value): value
        case .double(let value): value
        case .string(let value): value
        case .array(let values): values.map(\.foundationObject)
        case .object(let members): members.mapValues(\.foundationObject)
        }
    }

    /// Equal, counting an integer and a double of the same value as the same (Foundation writes
    /// integral doubles without a fraction).
    func sameNumbers(as other: JSONValue) -> Bool {
        switch (self, other) {
        case (.integer(let left), .double(let right)): Double(left) == right
        case (.double(let left), .integer(let right)): left == Double(right)
        case (.array(let left), .array(let right)):
            left.count == right.count && zip(left, right).allSatisfy { $0.sameNumbers(as: $1) }
        case (.object(let left), .object(let right)):
            left.count == right.count && left.allSatisfy { right[$0.key].map($0.value.sameNumbers) ?? false }
        default: self == other
        }
    }
}
