/// The severity of a log record, normalised to the six levels of the OpenTelemetry log data model.
///
/// See <https://opentelemetry.io/docs/specs/otel/logs/data-model/#field-severitynumber>.
public enum LogLevel: String, Sendable, CaseIterable, Comparable, Codable {
    case trace = "TRACE"
    case debug = "DEBUG"
    case info = "INFO"
    case warn = "WARN"
    case error = "ERROR"
    case fatal = "FATAL"

    /// The level's rank, lowest for TRACE.
    public var rank: Int { Self.allCases.firstIndex(of: self)! }

    /// The OpenTelemetry severity number that stands for the level as a whole (1, 5, 9, 13, 17, 21).
    public var defaultSeverityNumber: Int { rank * 4 + 1 }

    /// Orders levels by severity, TRACE lowest.
    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rank < rhs.rank }

    /// The level an OpenTelemetry severity number (1...24) falls in, or nil outside that range.
    public init?(severityNumber: Int) {
        guard (1...24).contains(severityNumber) else { return nil }
        self = Self.allCases[(severityNumber - 1) / 4]
    }

    /// Normalises a common spelling of a level: names and abbreviations in any case
    /// (`warn`, `Warning`, `W`, `err`, `crit`, `emerg`, `notice`, ...), syslog numbers 0-7
    /// and bunyan/pino numbers (10, 20, ... 60), given as text.
    public init?(spelling: String) {
        let key = spelling.trimmingWhitespace().lowercased()
        if let number = Int(key) {
            self.init(number: number)
            return
        }
        guard let level = Self.spellings[key] else { return nil }
        self = level
    }

    /// Normalises a numeric level: syslog severities 0-7 and bunyan/pino levels 10, 20, ... 60.
    public init?(number: Int) {
        switch number {
        case 0...2: self = .fatal
        case 3: self = .error
        case 4: self = .warn
        case 5, 6: self = .info
        case 7: self = .debug
        case 10: self = .trace
        case 20: self = .debug
        case 30: self = .info
        case 40: self = .warn
        case 50: self = .error
        case 60: self = .fatal
        default: return nil
        }
    }

    private static let spellings: [String: LogLevel] = [
        "trace": .trace, "trc": .trace, "t": .trace, "finest": .trace, "verbose": .trace, "v": .trace,
        "debug": .debug, "dbg": .debug, "d": .debug, "fine": .debug, "finer": .debug,
        "info": .info, "inf": .info, "i": .info, "information": .info, "informational": .info,
        "notice": .info, "n": .info, "config": .info,
        "warn": .warn, "warning": .warn, "wrn": .warn, "w": .warn,
        "error": .error, "err": .error, "e": .error, "severe": .error, "eror": .error,
        "fatal": .fatal, "ftl": .fatal, "f": .fatal, "crit": .fatal, "critical": .fatal, "c": .fatal,
        "alert": .fatal, "emerg": .fatal, "emergency": .fatal, "panic": .fatal,
    ]
}

extension String {
    /// The string without leading and trailing spaces, tabs and line breaks.
    func trimmingWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0.isWhitespace }
        guard let first = firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = lastIndex(where: { !isSpace($0) })!
        return self[first...last]
    }
}
