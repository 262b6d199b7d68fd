import LogModel

/// Any line of text: a leading timestamp (``LeadingTimestamp``) and a level word (``LevelWord``)
/// when it has them; the rest of the line is the message. Never rejects a line for its shape: a
/// line without either keeps its whole text as the message and the time of receipt.
public enum PlainLineParser {
    /// Parses one line.
    public static func parse(_ line: String, context: ParseContext) -> ParsedLine {
        let bytes = Array(line.utf8)
        var fields: [String: JSONValue] = [:]
        var messageStart = 0
        var levelFrom = 0
        if let match = LeadingTimestamp.find(in: bytes, context: context) {
            fields["timestamp"] = .string(match.timestamp.rfc3339)
            let afterSeparators = skipSeparators(bytes, from: match.end)
            levelFrom = afterSeparators == 0 ? match.end : afterSeparators
            if match.start == 0 { messageStart = afterSeparators }
        }
        if let level = LevelWord.find(in: bytes, from: levelFrom, afterTimestamp: levelFrom > 0) {
            fields["level"] = .string(level.rawValue)
        }
        fields["message"] = .string(
            messageStart == 0 ? line : String(decoding: bytes[messageStart...], as: UTF8.self))
        return ParsedLine(fields: fields)
    }

    /// Past the spaces and the punctuation (`,`, `|`, `:`, `]`, a lone `-`) that part a timestamp
    /// from the rest of the line; stays put when nothing would be left.
    private static func skipSeparators(_ bytes: [UInt8], from start: Int) -> Int {
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            let lone = byte == UInt8(ascii: "-") && (index + 1 == bytes.count || bytes[index + 1] == UInt8(ascii: " "))
            guard
                byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: ",")
                    || byte == UInt8(ascii: "|") || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "]") || lone
            else { break }
            index += 1
        }
        return index < bytes.count ? index : 0
    }
}
