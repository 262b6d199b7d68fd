import LogModel

/// nginx and Apache access logs: the `combined` and `common` formats and their usual variants.
///
/// `client ident user [time] "request" status bytes` (common), then `"referrer" "user agent"`
/// (combined), then optionally more fields: the first bare number is the request time, read as
/// seconds when it has a fraction (nginx `$request_time`) and as microseconds when it has none
/// (Apache `%D`), as is `rt=`/`request_time=`; other quoted fields (forwarded-for, upstream times)
/// are skipped. `-` means absent; quotes inside quoted fields are escaped with `\`.
///
/// The fields become the well-known attributes `client.ip`, `http.method`, `http.path` (without
/// the query string, kept as `http.query`), `http.version`, `http.status`, `http.response.bytes`,
/// `http.referrer`, `user_agent.original`, `user.name` and `duration_ms`; the level comes from the
/// status (5xx ERROR, 4xx WARN, else INFO) and the message is the request line.
public enum AccessLogParser {
    /// Parses one line.
    public static func parse(_ line: String) -> Result<ParsedLine, LineRejection> {
        Result { () throws(LineRejection) in try parseThrowing(line) }
    }

    private static func parseThrowing(_ line: String) throws(LineRejection) -> ParsedLine {
        var scanner = TextScanner(line)
        var fields: [String: JSONValue] = [:]
        guard let client = scanner.word() else { throw LineRejection("the line is empty") }
        if client != "-" { fields["client.ip"] = .string(client) }
        scanner.skipSpaces()
        guard scanner.word() != nil, scanner.skipSpaces() > 0, let user = scanner.word() else {
            throw LineRejection("expected the ident and user fields after the client address")
        }
        if user != "-" { fields["user.name"] = .string(user) }
        scanner.skipSpaces()
        guard let timestamp = time(&scanner) else {
            throw LineRejection("expected the time as [dd/MMM/yyyy:HH:mm:ss +zzzz] after the user")
        }
        fields["timestamp"] = .string(timestamp.rfc3339)
        scanner.skipSpaces()
        guard let request = scanner.quoted() else {
            throw LineRejection("expected the request line in double quotes after the time")
        }
        fields["message"] = .string(request)
        addRequest(request, to: &fields)
        scanner.skipSpaces()
        guard let status = scanner.number(digits: 3), scanner.current == UInt8(ascii: " ") else {
            throw LineRejection("expected a three-digit status after the request line")
        }
        fields["http.status"] = .integer(status)
        fields["level"] = .string(status >= 500 ? "ERROR" : status >= 400 ? "WARN" : "INFO")
        scanner.skipSpaces()
        if !scanner.skip(UInt8(ascii: "-")) {
            guard let (bytes, _) = scanner.number(maxDigits: 18) else {
                throw LineRejection("expected the response size in bytes, or -, after the status")
            }
            fields["http.response.bytes"] = .integer(bytes)
        }
        guard scanner.skipSpaces() > 0 || scanner.atEnd else {
            throw LineRejection("unexpected text after the response size")
        }
        guard !scanner.atEnd else { return ParsedLine(fields: fields) }
        guard let referrer = scanner.quoted() else {
            throw LineRejection("expected the referrer in double quotes after the response size")
        }
        if referrer != "-", !referrer.isEmpty { fields["http.referrer"] = .string(referrer) }
        scanner.skipSpaces()
        guard let agent = scanner.quoted() else {
            throw LineRejection("expected the user agent in double quotes, with its closing quote, after the referrer")
        }
        if agent != "-", !agent.isEmpty { fields["user_agent.original"] = .string(agent) }
        try addExtras(&scanner, to: &fields)
        return ParsedLine(fields: fields)
    }

    /// `[17/May/2015:10:05:03 +0000]`.
    private static func time(_ scanner: inout TextScanner) -> Timestamp? {
        guard scanner.skip(UInt8(ascii: "[")), let day = scanner.number(digits: 2), scanner.skip(UInt8(ascii: "/")),
            let month = scanner.month(), scanner.skip(UInt8(ascii: "/")), let year = scanner.number(digits: 4),
            scanner.skip(UInt8(ascii: ":")), let hour = scanner.number(digits: 2), scanner.skip(UInt8(ascii: ":")),
            let minute = scanner.number(digits: 2), scanner.skip(UInt8(ascii: ":")),
            let second = scanner.number(digits: 2)
        else { return nil }
        var microsecond: Int64 = 0
        if scanner.skip(UInt8(ascii: ".")) {
            guard let fraction = scanner.fractionMicroseconds() else { return nil }
            microsecond = fraction
        }
        var offset: Int64 = 0
        if scanner.skipSpaces() > 0 {
            let sign: Int64 = scanner.skip(UInt8(ascii: "-")) ? -1 : scanner.skip(UInt8(ascii: "+")) ? 1 : 0
            guard sign != 0, let hours = scanner.number(digits: 2), let minutes = scanner.number(digits: 2) else {
                return nil
            }
            offset = sign * (hours * 3600 + minutes * 60)
        }
        guard scanner.skip(UInt8(ascii: "]")) else { return nil }
        return Timestamp(
            year: year, month: month, day: day, hour: hour, minute: minute, second: second, microsecond: microsecond,
            offsetSeconds: offset)
    }

    /// `GET /path?query HTTP/1.1`: method, path, query and version, when the request has that shape.
    private static func addRequest(_ request: String, to fields: inout [String: JSONValue]) {
        let parts = request.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count >= 2, parts.count <= 3, parts[0].allSatisfy({ $0.isASCII && $0.isUppercase }) else { return }
        fields["http.method"] = .string(String(parts[0]))
        let target = parts[1]
        if let question = target.firstIndex(of: "?") {
            fields["http.path"] = .string(String(target[..<question]))
            let query = target[target.index(after: question)...]
            if !query.isEmpty { fields["http.query"] = .string(String(query)) }
        } else {
            fields["http.path"] = .string(String(target))
        }
        if parts.count == 3, parts[2].hasPrefix("HTTP/") {
            fields["http.version"] = .string(String(parts[2].dropFirst(5)))
        }
    }

    /// What follows the user agent: a request time, and fields that are skipped.
    private static func addExtras(_ scanner: inout TextScanner, to fields: inout [String: JSONValue])
        throws(LineRejection)
    {
        while scanner.skipSpaces() > 0 || !scanner.atEnd {
            if scanner.current == UInt8(ascii: "\"") {
                guard scanner.quoted() != nil else {
                    throw LineRejection("a field after the user agent lacks its closing quote")
                }
                continue
            }
            guard let word = scanner.word() else { break }
            guard fields["duration_ms"] == nil else { continue }
            var value = Substring(word)
            for prefix in ["rt=", "request_time="] where value.hasPrefix(prefix) {
                value = value.dropFirst(prefix.count)
            }
            if let duration = durationMilliseconds(value) { fields["duration_ms"] = .double(duration) }
        }
    }

    /// A request time in milliseconds: seconds when written with a fraction, else microseconds.
    private static func durationMilliseconds(_ text: Substring) -> Double? {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), let number = Double(text)
        else { return nil }
        let microseconds = text.contains(".") ? number * 1_000_000 : number
        return microseconds.rounded() / 1000
    }
}
