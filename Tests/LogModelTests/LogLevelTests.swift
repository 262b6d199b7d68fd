import LogModel
import Testing

@Suite("LogLevel")
struct LogLevelTests {
    @Test(
        "common spellings normalise",
        arguments: [
            ("warn", LogLevel.warn), ("WARNING", .warn), ("W", .warn), ("err", .error), ("Error", .error),
            ("crit", .fatal), ("critical", .fatal), ("fatal", .fatal), ("emerg", .fatal), ("alert", .fatal),
            ("info", .info), ("notice", .info), ("debug", .debug), ("trace", .trace), (" Info ", .info),
            ("0", .fatal), ("3", .error), ("4", .warn), ("5", .info), ("6", .info), ("7", .debug),
            ("30", .info), ("50", .error),
        ])
    func init_spelling_normalises(spelling: String, level: LogLevel) {
        #expect(LogLevel(spelling: spelling) == level)
    }

    @Test("unknown spellings are nil", arguments: ["loud", "", "8", "99", "warnings"])
    func init_unknownSpelling_isNil(spelling: String) {
        #expect(LogLevel(spelling: spelling) == nil)
    }

    @Test("OpenTelemetry severity numbers map to their ranges")
    func init_severityNumber_mapsRanges() {
        #expect(LogLevel(severityNumber: 1) == .trace)
        #expect(LogLevel(severityNumber: 9) == .info)
        #expect(LogLevel(severityNumber: 16) == .warn)
        #expect(LogLevel(severityNumber: 17) == .error)
        #expect(LogLevel(severityNumber: 24) == .fatal)
        #expect(LogLevel(severityNumber: 0) == nil)
        #expect(LogLevel(severityNumber: 25) == nil)
        #expect(LogLevel.allCases.map(\.defaultSeverityNumber) == [1, 5, 9, 13, 17, 21])
    }
}
