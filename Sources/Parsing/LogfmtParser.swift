import LogModel

/// logfmt: `level=info msg="request done" status=200 took=12ms`.
///
/// Every pair becomes a field; `level`/`lvl`, `msg`/`message` and `ts`/`time` are read as the
/// record's own (as in JSON ingest), the rest are attributes. Values in double quotes may hold
/// spaces and `\"`; unquoted values that are JSON numbers become numbers; a key without `=` is a
/// flag, `true`. A line needs two pairs at least, and nothing but pairs, to be logfmt.
public enum LogfmtParser {
    /// Parses one line.
    public static func parse(_ line: String) -> Result<ParsedLine, LineRejection> {
        var scanner = TextScanner(line)
        var fields: [String: JSONValue] = [:]
        var pairs = 0
        scanner.skipSpaces()
        while !scanner.atEnd {
            let keyStart = scanner.index
            while let byte = scanner.current, byte > 0x20, byte != UInt8(ascii: "="), byte != UInt8(ascii: "\"") {
                scanner.index += 1
            }
            let key = scanner.text(keyStart..<scanner.index)
            guard !key.isEmpty else {
                return .failure(LineRejection("expected key=value at byte \(scanner.index + 1)"))
            }
            if scanner.skip(UInt8(ascii: "=")) {
                if scanner.current == UInt8(ascii: "\"") {
                    guard let value = scanner.quoted() else {
                        return .failure(LineRejection("the value of \(key) lacks its closing quote"))
                    }
                    fields[key] = .string(value)
                } else {
                    let text = scanner.word() ?? ""
                    fields[key] = key == "msg" || key == "message" ? .string(text) : value(text)
                }
                pairs += 1
            } else {
                fields[key] = .bool(true)
            }
            guard scanner.skipSpaces() > 0 || scanner.atEnd else {
                return .failure(LineRejection("expected a space after the value of \(key)"))
            }
        }
        guard pairs >= 2 else { return .failure(LineRejection("a logfmt line has at least two key=value pairs")) }
        if fields["msg"] == nil, fields["message"] == nil { fields["message"] = .string(line) }
        return .success(ParsedLine(fields: fields))
    }

    /// A JSON number when the text is written as one (no leading zeros, no `+`), else the text.
    private static func value(_ text: String) -> JSONValue {
        let bytes = Array(text.utf8)
        var index = bytes.first == UInt8(ascii: "-") ? 1 : 0
        let digitsStart = index
        while index < bytes.count, TextScanner.isDigit(bytes[index]) { index += 1 }
        let integerDigits = index - digitsStart
        guard integerDigits > 0, integerDigits == 1 || bytes[digitsStart] != UInt8(ascii: "0") else {
            return .string(text)
        }
        guard index < bytes.count else { return Int64(text).map(JSONValue.integer) ?? .string(text) }
        guard bytes[index] == UInt8(ascii: "."), index + 1 < bytes.count,
            bytes[(index + 1)...].allSatisfy(TextScanner.isDigit), let number = Double(text)
        else { return .string(text) }
        return .double(number)
    }
}
