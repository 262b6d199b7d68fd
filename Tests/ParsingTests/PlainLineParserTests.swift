import Foundation
import LogModel
import Parsing
import TestSupport
import Testing

@Suite("Plain line parser")
struct PlainLineParserTests {
    /// How to read the ground-truth time of one LogHub system from its structured CSV, as text that
    /// RFC 3339 accepts, and whether its level column holds levels.
    struct System: Sendable, CustomStringConvertible {
        var name: String
        var time: @Sendable ([String: String]) -> String
        var hasLevels: Bool
        var description: String { name }
    }

    static let systems: [System] = [
        System(name: "Android", time: { "2026-\($0["Date"]!)T\($0["Time"]!)Z" }, hasLevels: true),
        System(name: "Apache", time: { ctime($0["Time"]!) }, hasLevels: true),
        System(name: "BGL", time: { epoch($0["Timestamp"]!) }, hasLevels: true),
        System(name: "HDFS", time: { compact($0["Date"]!, $0["Time"]!) }, hasLevels: true),
        System(name: "HPC", time: { epoch($0["Time"]!) }, hasLevels: false),
        System(
            name: "Hadoop", time: { "\($0["Date"]!)T\($0["Time"]!.replacingOccurrences(of: ",", with: "."))Z" },
            hasLevels: true),
        System(name: "HealthApp", time: { healthApp($0["Time"]!) }, hasLevels: false),
        System(
            name: "Spark", time: { "20\($0["Date"]!.replacingOccurrences(of: "/", with: "-"))T\($0["Time"]!)Z" },
            hasLevels: true),
        System(name: "Windows", time: { "\($0["Date"]!)T\($0["Time"]!)Z" }, hasLevels: true),
        System(
            name: "Zookeeper",
            time: { "\($0["Date"]!)T\($0["Time"]!.replacingOccurrences(of: ",", with: "."))Z" }, hasLevels: true),
    ]

    @Test("each LogHub system's timestamps and levels match its ground truth", arguments: systems)
    func loghub(system: System) throws {
        let lines = try TestData.lines("loghub/\(system.name)/\(system.name)_2k.log")
        let truth = try TestData.csv("loghub/\(system.name)/\(system.name)_2k.log_structured.csv")
        #expect(lines.count == truth.count)
        var wrongTimes = 0
        var wrongLevels = 0
        for (line, row) in zip(lines, truth) {
            let parsed = PlainLineParser.parse(line, context: TestData.context)
            if parsed.timestamp != Timestamp(rfc3339: system.time(row)) { wrongTimes += 1 }
            if system.hasLevels, parsed.level != LogLevel(spelling: row["Level"]!) { wrongLevels += 1 }
            #expect(parsed.text("message")?.isEmpty == false)
        }
        #expect(wrongTimes == 0)
        #expect(wrongLevels == 0)
    }

    @Test("a line with no timestamp or level keeps its whole text and gets neither")
    func shapeless() {
        for line in ["just some words", "I am a line", "0 0 0", "{not json", "    indented"] {
            let parsed = PlainLineParser.parse(line, context: TestData.context)
            #expect(parsed.text("message") == line)
            #expect(parsed.fields["timestamp"] == nil)
            #expect(parsed.fields["level"] == nil)
        }
    }

    @Test("common forms: ISO with offset, epoch, bracketed, lowercase level right after the time")
    func forms() {
        let iso = PlainLineParser.parse("2026-12-02T10:00:00.5+02:00 error disk full", context: TestData.context)
        #expect(iso.timestamp == Timestamp(rfc3339: "2026-12-02T08:00:00.5Z"))
        #expect(iso.level == .error)
        #expect(iso.text("message") == "error disk full")
        let epoch = PlainLineParser.parse("1764669600 WARN slow", context: TestData.context)
        #expect(epoch.timestamp == Timestamp(epoch: Int64(1_764_669_600)))
        #expect(epoch.level == .warn)
        let bracketed = PlainLineParser.parse("[02/Dec/2026:10:00:00 +0000] [crit] boom", context: TestData.context)
        #expect(bracketed.timestamp == Timestamp(rfc3339: "2026-12-02T10:00:00Z"))
        #expect(bracketed.level == .fatal)
    }

    static func epoch(_ text: String) -> String { Timestamp(epoch: Int64(text)!)!.rfc3339 }

    /// `Sun Dec 04 04:47:44 2005`.
    static func ctime(_ text: String) -> String {
        let parts = text.split(separator: " ")
        return "\(parts[4])-\(month(parts[1]))-\(parts[2])T\(parts[3])Z"
    }

    /// `081109` and `203615`.
    static func compact(_ date: String, _ time: String) -> String {
        let d = Array(date)
        let t = Array(time)
        return "20\(String(d[0...1]))-\(String(d[2...3]))-\(String(d[4...5]))T"
            + "\(String(t[0...1])):\(String(t[2...3])):\(String(t[4...5]))Z"
    }

    /// `20171223-22:15:29:606` or `20171224-0:7:2:137`: hour, minute and second unpadded, then
    /// milliseconds.
    static func healthApp(_ text: String) -> String {
        let d = Array(text)
        let parts = String(d[9...]).split(separator: ":").map { Int($0)! }
        let time = String(format: "%02d:%02d:%02d.%03d", parts[0], parts[1], parts[2], parts[3])
        return "\(String(d[0...3]))-\(String(d[4...5]))-\(String(d[6...7]))T\(time)Z"
    }

    static func month(_ name: Substring) -> String {
        let index = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
            .firstIndex(of: String(name))!
        return String(format: "%02d", index + 1)
    }
}
