import LogModel
import Parsing
import TestSupport

extension TestData {
    /// The time every test parses against: 2026-12-02T12:00:00Z.
    static let context = ParseContext(receivedAt: Timestamp(rfc3339: "2026-12-02T12:00:00Z")!)
}

extension ParsedLine {
    /// A field's text, or nil.
    func text(_ name: String) -> String? {
        if case .string(let text) = fields[name] { return text }
        return nil
    }

    /// The parsed timestamp, or nil.
    var timestamp: Timestamp? { text("timestamp").flatMap(Timestamp.init(rfc3339:)) }

    /// The level the record would get.
    var level: LogLevel? {
        switch fields["level"] {
        case .string(let text): LogLevel(spelling: text)
        case .integer(let number): LogLevel(number: Int(number))
        default: nil
        }
    }
}
