import Foundation
import LogModel
import Parsing
import TestSupport
import Testing

@Suite("Syslog parser")
struct SyslogParserTests {
    @Test("RFC 5424 with structured data, as in the RFC's own example")
    func rfc5424() throws {
        let line =
            #"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "#
            + #"[exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][meta x="a\]b"] "#
            + "\u{FEFF}An application event log entry"
        let parsed = try SyslogParser.parse(line, context: TestData.context).get()
        #expect(parsed.text("host") == "mymachine.example.com")
        #expect(parsed.text("service") == "evntslog")
        #expect(parsed.text("syslog.procid") == nil)
        #expect(parsed.text("syslog.msgid") == "ID47")
        #expect(parsed.text("exampleSDID@32473.eventSource") == "Application")
        #expect(parsed.text("meta.x") == "a]b")
        #expect(parsed.text("syslog.facility") == "local4")
        #expect(parsed.level == .info)
        #expect(parsed.text("message") == "An application event log entry")
        #expect(parsed.timestamp == Timestamp(rfc3339: "2003-10-11T22:14:15.003Z"))
    }

    @Test("RFC 3164 with a PRI, a tag and a pid; the year comes from the time of receipt")
    func rfc3164() throws {
        let parsed = try SyslogParser.parse(
            "<11>Dec  1 08:00:01 web-1 nginx[812]: upstream timed out", context: TestData.context
        ).get()
        #expect(parsed.text("host") == "web-1")
        #expect(parsed.text("service") == "nginx")
        #expect(parsed.text("syslog.procid") == "812")
        #expect(parsed.text("syslog.facility") == "user")
        #expect(parsed.level == .error)
        #expect(parsed.timestamp == Timestamp(rfc3339: "2026-12-01T08:00:01Z"))
        let january = ParseContext(receivedAt: Timestamp(rfc3339: "2027-01-01T00:10:00Z")!)
        let december = try SyslogParser.parse("<13>Dec 31 23:59:00 h app: late", context: january).get()
        #expect(december.timestamp == Timestamp(rfc3339: "2026-12-31T23:59:00Z"))
        let untagged = try SyslogParser.parse("<13>Dec 31 23:59:00 h just words", context: january).get()
        #expect(untagged.text("service") == nil)
        #expect(untagged.text("message") == "just words")
    }

    @Test("the LogHub Linux and OpenSSH files read as BSD syslog, field by field against the ground truth")
    func loghubSyslog() throws {
        for (system, hostColumn, tagColumn, pidColumn, monthColumn, dayColumn) in [
            ("Linux", "Level", "Component", "PID", "Month", "Date"),
            ("OpenSSH", "Component", nil, "Pid", "Date", "Day"),
        ] {
            let lines = try TestData.lines("loghub/\(system)/\(system)_2k.log")
            let truth = try TestData.csv("loghub/\(system)/\(system)_2k.log_structured.csv")
            #expect(lines.count == truth.count)
            for (line, row) in zip(lines, truth) {
                let parsed = try SyslogParser.parse(line, context: TestData.context).get()
                #expect(parsed.text("host") == row[hostColumn], "\(system) \(row["LineId"]!)")
                if let tagColumn { #expect(parsed.text("service") == row[tagColumn], "\(system) \(row["LineId"]!)") }
                #expect(parsed.text("syslog.procid") == row[pidColumn].flatMap { $0.isEmpty ? nil : $0 })
                let time = "\(row[monthColumn]!) \(row[dayColumn]!) \(row["Time"]!)"
                let expected = try #require(Self.bsdTime(time), "\(time)")
                #expect(parsed.timestamp == expected, "\(system) \(row["LineId"]!)")
            }
        }
    }

    @Test("malformed PRI, timestamp and structured data are rejected with a reason")
    func rejections() {
        for line in [
            "<999>1 2003-10-11T22:14:15Z h a - - - m", "<13>1 yesterday h a - - - m",
            "<13>1 2003-10-11T22:14:15Z h a - - [id x=unquoted] m", "not syslog at all",
        ] {
            guard case .failure = SyslogParser.parse(line, context: TestData.context) else {
                Issue.record("accepted \(line)")
                continue
            }
        }
    }

    /// `Jun 14 15:16:01` in the tests' year of receipt, or the year before when that would be more
    /// than a day after receipt, computed here independently of the parser.
    static func bsdTime(_ text: String) -> Timestamp? {
        let parts = text.split(separator: " ")
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard parts.count == 3, let month = months.firstIndex(of: String(parts[0])), let day = Int(parts[1]) else {
            return nil
        }
        let date = String(format: "%02d-%02d", month + 1, day)
        guard let sameYear = Timestamp(rfc3339: "2026-\(date)T\(parts[2])Z") else { return nil }
        let receipt = TestData.context.receivedAt.microseconds
        return sameYear.microseconds > receipt + 86_400_000_000
            ? Timestamp(rfc3339: "2025-\(date)T\(parts[2])Z") : sameYear
    }
}
