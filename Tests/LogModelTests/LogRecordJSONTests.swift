import Foundation
import LogModel
import TestSupport
import Testing

@Suite("Records written as JSON")
struct LogRecordJSONTests {
    /// What the API wrote with before: `JSONEncoder` with sorted keys and slashes as they are.
    static func encoded(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    static func randomRecord(using generator: inout SeededGenerator) -> LogRecord {
        func maybe(_ text: String) -> String? { Bool.random(using: &generator) ? text : nil }
        let level = LogLevel.allCases.randomElement(using: &generator)!
        var attributes: [String: JSONValue] = [:]
        for _ in 0..<Int.random(in: 0..<6, using: &generator) {
            if case .object(let members) = JSONValue.random(using: &generator, depth: 2) {
                attributes.merge(members) { $1 }
            }
            attributes["k\(attributes.count)"] = .random(using: &generator, depth: 1)
        }
        var record = LogRecord(
            id:
                "0190c3a2-7b1e-7c3d-9a4f-\(String(UInt64.random(in: 0...0xFFFF_FFFF_FFFF, using: &generator), radix: 16))",
            tenant: "tenant-\(Int.random(in: 0..<5, using: &generator))",
            timestamp: Timestamp(microseconds: Int64.random(in: 0...4_000_000_000_000_000, using: &generator)),
            observedAt: Timestamp(microseconds: Int64.random(in: 0...4_000_000_000_000_000, using: &generator)),
            level: level, severityNumber: level.defaultSeverityNumber + Int.random(in: 0...3, using: &generator),
            service: maybe("checkout/api"), host: maybe("web-1 \"eu\""), environment: maybe("prod\tü"),
            message: ["GET /a?b=c HTTP/1.1", "line\nwith\u{1}control", "é😀 ✓ \\ \"q\"", ""].randomElement(
                using: &generator)!,
            traceID: maybe("4bf92f3577b34da6a3ce929d0e0e4736"), spanID: maybe("00f067aa0ba902b7"),
            correlationID: maybe("order/42"), attributes: attributes)
        record.patternID = Bool.random(using: &generator) ? PatternID(template: record.message) : nil
        return record
    }

    @Test("a record reads back as JSONEncoder wrote it, keys in the same order")
    func writeJSON_matchesJSONEncoder() throws {
        var generator = SeededGenerator(seed: 25)
        var comparedBytes = 0
        for _ in 0..<1_000 {
            let record = Self.randomRecord(using: &generator)
            var output = JSONOutput()
            record.writeJSON(to: &output)
            let expected = try Self.encoded(record)
            let written = try JSONSerialization.jsonObject(with: Data(output.bytes)) as? NSDictionary
            #expect(written == (try JSONSerialization.jsonObject(with: Data(expected)) as? NSDictionary))
            #expect(
                try JSONParser.parse(output.bytes).sameNumbers(as: try JSONParser.parse(expected)),
                "\(String(decoding: output.bytes, as: UTF8.self))")
            // Foundation writes integral doubles without a fraction; everything else is the same bytes.
            if !Self.containsDouble(.object(record.attributes)) {
                #expect(output.bytes == expected, "\(String(decoding: output.bytes, as: UTF8.self))")
                comparedBytes += 1
            }
        }
        #expect(comparedBytes > 100)
    }

    static func containsDouble(_ value: JSONValue) -> Bool {
        switch value {
        case .double: true
        case .array(let values): values.contains(where: containsDouble)
        case .object(let members): members.values.contains(where: containsDouble)
        default: false
        }
    }

    @Test("a list of records is a JSON array of each record's JSON")
    func writeJSON_list_isArray() throws {
        var generator = SeededGenerator(seed: 3)
        let records = (0..<5).map { _ in Self.randomRecord(using: &generator) }
        for count in [0, 1, 5] {
            var output = JSONOutput()
            LogRecord.writeJSON(records.prefix(count), to: &output)
            let parsed = try #require(try JSONSerialization.jsonObject(with: Data(output.bytes)) as? NSArray)
            #expect(
                parsed
                    == (try JSONSerialization.jsonObject(with: Data(try Self.encoded(Array(records.prefix(count)))))
                        as? NSArray))
        }
    }
}
