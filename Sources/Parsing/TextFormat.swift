import LogModel

/// The formats of text logs Logsmith reads, each with its parser.
public enum TextFormat: String, Sendable, CaseIterable {
    /// nginx and Apache access logs, `combined` or `common` (``AccessLogParser``).
    case access
    /// RFC 5424 and RFC 3164 syslog (``SyslogParser``).
    case syslog
    /// `key=value` pairs (``LogfmtParser``).
    case logfmt
    /// One JSON object per line (``JSONLineParser``).
    case jsonl
    /// Anything else (``PlainLineParser``).
    case plain

    /// The format a name stands for: its own name, or `nginx`, `apache`, `combined`, `common` for
    /// access logs, `json` and `ndjson` for JSON lines, `text` for plain.
    public init?(name: String) {
        switch name.lowercased() {
        case "nginx", "apache", "combined", "common": self = .access
        case "json", "ndjson": self = .jsonl
        case "text": self = .plain
        default: self.init(rawValue: name.lowercased())
        }
    }

    /// Parses one line in this format.
    public func parse(_ line: String, context: ParseContext) -> Result<ParsedLine, LineRejection> {
        switch self {
        case .access: AccessLogParser.parse(line)
        case .syslog: SyslogParser.parse(line, context: context)
        case .logfmt: LogfmtParser.parse(line)
        case .jsonl: JSONLineParser.parse(line)
        case .plain: .success(PlainLineParser.parse(line, context: context))
        }
    }

    /// The format of a file from a sample of its first lines: the first of JSON lines, syslog,
    /// access log and logfmt that reads more than half of the non-blank lines, else plain. A syslog
    /// line counts only with a `<PRI>` or a `tag:`, so that plain lines that start with a date are
    /// not taken for syslog.
    public static func detect(_ sample: [String], context: ParseContext) -> TextFormat {
        let lines = sample.filter { line in line.utf8.contains { $0 > 0x20 } }
        guard !lines.isEmpty else { return .plain }
        for format in [TextFormat.jsonl, .syslog, .access, .logfmt] {
            let read = lines.count { line in
                guard case .success(let parsed) = format.parse(line, context: context) else { return false }
                return format != .syslog || line.hasPrefix("<") || parsed.fields["service"] != nil
            }
            if read * 2 > lines.count { return format }
        }
        return .plain
    }
}
