import Foundation

/// Samples a server process's resident memory and CPU time from `/proc` while a benchmark runs.
final class ServerSampler: Sendable {
    private let pid: Int32
    private let task: Task<Int, Never>
    private let startCPU: Double
    private let start = ContinuousClock.now

    /// Starts sampling `pid` every 100 ms; nil when the process cannot be read.
    init?(pid: Int32) {
        guard let cpu = ProcFS.cpuSeconds(pid) else { return nil }
        self.pid = pid
        self.startCPU = cpu
        task = Task {
            var peak = 0
            while !Task.isCancelled {
                peak = max(peak, ProcFS.residentBytes(pid) ?? 0)
                try? await Task.sleep(for: .milliseconds(100))
            }
            return max(peak, ProcFS.residentBytes(pid) ?? 0)
        }
    }

    /// Stops sampling: the peak resident set in MiB and the CPU used, in percent of one core.
    func finish() async -> [String: Any] {
        task.cancel()
        let peak = await task.value
        let seconds = (ContinuousClock.now - start) / .seconds(1)
        let cpu = (ProcFS.cpuSeconds(pid) ?? startCPU) - startCPU
        return ["server_peak_rss_mib": Double(peak) / 1_048_576, "server_cpu_percent": 100 * cpu / seconds]
    }
}
