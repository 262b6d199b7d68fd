import LogModel

/// Syslog messages: RFC 5424, and RFC 3164 (BSD) with or without its `<PRI>` (the form in
/// `/var/log/syslog` and `auth.log`).
///
/// PRI gives `syslog.facility` (by name) and the level (severity 0-2 FATAL, 3 ERROR, 4 WARN, 5-6
/// INFO, 7 DEBUG; INFO without a PRI); the hostname becomes `host`; RFC 5424's app-name and the BSD
/// tag become `service`, procid and the tag's `[pid]` `syslog.procid`, msgid `syslog.msgid`, and
/// each structured-data parameter an attribute `SD-ID.NAME`. A BSD timestamp has no year: it is
/// resolved against the time of receipt, as UTC. Spaces before the message are dropped (rsyslog
/// forwards a BSD message with the space that followed its tag).
public enum SyslogParser {
    /// Parses one message.
    public static func parse(_ line: String, context: ParseContext) -> Result<ParsedLine, LineRejection> {
        Result { () throws(LineRejection) in try parseThrowing(line, context: context) }
    }

    private static func parseThrowing(_ line: String, context: ParseContext) throws(LineRejection) -> ParsedLine {
        var scanner = TextScanner(line)
        var fields: [String: JSONValue] = [:]
        if scanner.current == UInt8(ascii: "<") {
            guard let priority = priority(&scanner) else {
                throw LineRejection("the priority must be <0> to <191>")
            }
            fields["syslog.facility"] = .string(facilityNames[Int(priority / 8)])
            fields["syslog.severity"] = .integer(priority % 8)
            fields["level"] = .integer(priority % 8)
            if scanner.skip("1 ") { return try rfc5424(&scanner, fields) }
        }
        return try rfc3164(&scanner, fields, context: context)
    }

    private static func priority(_ scanner: inout TextScanner) -> Int64? {
        guard scanner.skip(UInt8(ascii: "<")), let (value, _) = scanner.number(maxDigits: 3),
            scanner.skip(UInt8(ascii: ">")), value <= 191
        else { return nil }
        return value
    }

    private static func rfc5424(_ scanner: inout TextScanner, _ fields: [String: JSONValue]) throws(LineRejection)
        -> ParsedLine
    {
        var fields = fields
        guard let time = scanner.word(), scanner.skipSpaces() > 0 else {
            throw LineRejection("expected an RFC 5424 timestamp after the version")
        }
        if time != "-" {
            guard let timestamp = Timestamp(rfc3339: time) else {
                throw LineRejection("the timestamp \"\(time.prefix(40))\" is not RFC 3339")
            }
            fields["timestamp"] = .string(timestamp.rfc3339)
        }
        let names = ["host", "service", "syslog.procid", "syslog.msgid"]
        for name in names {
            guard let value = scanner.word(), scanner.skipSpaces() > 0 || name == names.last else {
                throw LineRejection("expected hostname, app-name, procid and msgid after the timestamp")
            }
            if value != "-" { fields[name] = .string(value) }
        }
        scanner.skipSpaces()
        if !scanner.skip(UInt8(ascii: "-")) {
            guard scanner.current == UInt8(ascii: "[") else {
                throw LineRejection("expected structured data ([...] or -) after the msgid")
            }
            while scanner.current == UInt8(ascii: "[") { try structuredElement(&scanner, into: &fields) }
        }
        if !scanner.atEnd {
            guard scanner.skip(UInt8(ascii: " ")) else {
                throw LineRejection("expected a space between the structured data and the message")
            }
        }
        _ = scanner.skip("\u{FEFF}")
        scanner.skipSpaces()
        fields["message"] = .string(scanner.rest())
        return ParsedLine(fields: fields)
    }

    /// `[id name="value" ...]`; in values, `\"`, `\\` and `\]` stand for the character.
    private static func structuredElement(_ scanner: inout TextScanner, into fields: inout [String: JSONValue])
        throws(LineRejection)
    {
        _ = scanner.skip(UInt8(ascii: "["))
        let idStart = scanner.index
        while let byte = scanner.current, byte != UInt8(ascii: " "), byte != UInt8(ascii: "]") { scanner.index += 1 }
        let id = scanner.text(idStart..<scanner.index)
        guard !id.isEmpty else { throw LineRejection("a structured data element has no SD-ID") }
        while scanner.skip(UInt8(ascii: " ")) {
            let nameStart = scanner.index
            while let byte = scanner.current, byte != UInt8(ascii: "=") { scanner.index += 1 }
            let name = scanner.text(nameStart..<scanner.index)
            guard scanner.skip(UInt8(ascii: "=")), let value = scanner.quoted(alsoEscaped: UInt8(ascii: "]")) else {
                throw LineRejection("structured data parameter \(id).\(name) is not name=\"value\"")
            }
            fields["\(id).\(name)"] = .string(value)
        }
        guard scanner.skip(UInt8(ascii: "]")) else {
            throw LineRejection("structured data element \(id) lacks its closing ]")
        }
    }

    private static func rfc3164(_ scanner: inout TextScanner, _ fields: [String: JSONValue], context: ParseContext)
        throws(LineRejection) -> ParsedLine
    {
        var fields = fields
        guard let timestamp = bsdTimestamp(&scanner, context: context), scanner.skipSpaces() > 0 else {
            throw LineRejection("expected a timestamp (Mmm dd hh:mm:ss or RFC 3339) at the start of the message")
        }
        fields["timestamp"] = .string(timestamp.rfc3339)
        let afterTime = scanner.index
        if let host = scanner.word(), !host.hasSuffix(":") {
            fields["host"] = .string(host)
            scanner.skipSpaces()
        } else {
            scanner.index = afterTime
        }
        let afterHost = scanner.index
        if let (tag, pid) = tag(&scanner) {
            fields["service"] = .string(tag)
            if let pid { fields["syslog.procid"] = .string(pid) }
            scanner.skipSpaces()
        } else {
            scanner.index = afterHost
        }
        fields["message"] = .string(scanner.rest())
        return ParsedLine(fields: fields)
    }

    /// `Jun 14 15:16:01` or `Jun  4 15:16:01` (year resolved against receipt), or an RFC 3339 word.
    private static func bsdTimestamp(_ scanner: inout TextScanner, context: ParseContext) -> Timestamp? {
        if let byte = scanner.current, TextScanner.isDigit(byte) {
            return scanner.word().flatMap(Timestamp.init(rfc3339:))
        }
        guard let month = scanner.month(), scanner.skipSpaces() > 0, let (day, _) = scanner.number(maxDigits: 2),
            scanner.skip(UInt8(ascii: " ")), let hour = scanner.number(digits: 2), scanner.skip(UInt8(ascii: ":")),
            let minute = scanner.number(digits: 2), scanner.skip(UInt8(ascii: ":")),
            let second = scanner.number(digits: 2)
        else { return nil }
        var microsecond: Int64 = 0
        if scanner.skip(UInt8(ascii: ".")) { microsecond = scanner.fractionMicroseconds() ?? 0 }
        return context.resolvingYear(
            month: month, day: day, hour: hour, minute: minute, second: second, microsecond: microsecond)
    }

    /// `tag:` or `tag[pid]:`; the tag is up to 48 bytes of anything but `[` and `:`, spaces
    /// included (`syslogd 1.4.1: restart.`).
    private static func tag(_ scanner: inout TextScanner) -> (String, String?)? {
        let start = scanner.index
        while let byte = scanner.current, byte != UInt8(ascii: "["), byte != UInt8(ascii: ":"),
            scanner.index - start < 48
        {
            scanner.index += 1
        }
        var end = scanner.index
        while end > start, scanner.bytes[end - 1] == UInt8(ascii: " ") { end -= 1 }
        guard end > start else { return nil }
        let tag = scanner.text(start..<end)
        var pid: String?
        if scanner.skip(UInt8(ascii: "[")) {
            guard let value = scanner.upTo(UInt8(ascii: "]")), scanner.skip(UInt8(ascii: "]")) else { return nil }
            pid = value
        }
        guard scanner.skip(UInt8(ascii: ":")), scanner.atEnd || scanner.current == UInt8(ascii: " ") else {
            return nil
        }
        return (tag, pid)
    }

    private static let facilityNames = [
        "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp", "ntp",
        "security", "console", "solaris-cron", "local0", "local1", "local2", "local3", "local4", "local5", "local6",
        "local7",
    ]
}
