import Foundation

/// What the benchmark's samplers read from `/proc`: a process's memory, CPU time and parent, and the
/// machine's CPU time.
enum ProcFS {
    /// A process's resident set in bytes; nil when the process cannot be read.
    static func residentBytes(_ pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { return nil }
        return kilobytes * 1024
    }

    /// A process's user plus system time in seconds; nil when the process cannot be read.
    static func cpuSeconds(_ pid: Int32) -> Double? {
        guard let fields = statFields(pid), let user = Double(fields[11]), let system = Double(fields[12]) else {
            return nil
        }
        return (user + system) / ticksPerSecond
    }

    /// `pid` and the processes whose parent it is, such as a PostgreSQL postmaster and its backends.
    static func family(of pid: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        let children = entries.compactMap { Int32($0) }.filter { child in
            statFields(child).flatMap { Int32($0[1]) } == pid
        }
        return [pid] + children
    }

    /// The seconds all cores have spent busy and in all since boot, from the first line of
    /// `/proc/stat` (idle and I/O wait are not busy).
    static func machineSeconds() -> (busy: Double, total: Double)? {
        guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let line = stat.split(separator: "\n").first, line.hasPrefix("cpu ")
        else { return nil }
        let ticks = line.split(separator: " ").dropFirst().prefix(8).compactMap { Double($0) }
        guard ticks.count == 8 else { return nil }
        let total = ticks.reduce(0, +)
        return ((total - ticks[3] - ticks[4]) / ticksPerSecond, total / ticksPerSecond)
    }

    private static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// The fields of `/proc/PID/stat` after the command name, whose parentheses may hold spaces: the
    /// state first, then the parent's ID, and user and system time at offsets 11 and 12.
    private static func statFields(_ pid: Int32) -> [Substring]? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 12 ? fields : nil
    }
}
