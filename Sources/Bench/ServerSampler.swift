import Foundation

/// Samples a server process's resident memory and CPU time from `/proc` while a benchmark runs.
final class ServerSampler: Sendable {
    private let pid: Int32
    private let task: Task<Int, Never>
    private let startCPU: Double
    private let start = ContinuousClock.now

    /// Starts sampling `pid` every 100 ms; nil when the process cannot be read.
    init?(pid: Int32) {
        guard let cpu = Self.cpuSeconds(pid) else { return nil }
        self.pid = pid
        self.startCPU = cpu
        task = Task {
            var peak = 0
            while !Task.isCancelled {
                peak = max(peak, Self.residentBytes(pid) ?? 0)
                try? await Task.sleep(for: .milliseconds(100))
            }
            return max(peak, Self.residentBytes(pid) ?? 0)
        }
    }

    /// Stops sampling: the peak resident set in MiB and the CPU used, in percent of one core.
    func finish() async -> [String: Any] {
        task.cancel()
        let peak = await task.value
        let seconds = (ContinuousClock.now - start) / .seconds(1)
        let cpu = (Self.cpuSeconds(pid) ?? startCPU) - startCPU
        return ["server_peak_rss_mib": Double(peak) / 1_048_576, "server_cpu_percent": 100 * cpu / seconds]
    }

    private static func residentBytes(_ pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { return nil }
        return kilobytes * 1024
    }

    /// User plus system time; the fields after the command name, whose parentheses may hold spaces.
    private static func cpuSeconds(_ pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
