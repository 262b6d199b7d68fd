import Foundation
import Prometheus
import Synchronization

/// The standard `process_*` metrics, read from `/proc/self` each time `/metrics` is scraped.
/// On a system without `/proc` they stay at zero.
final class ProcessMetrics: Sendable {
    private let residentMemory: Gauge
    private let cpuSeconds: Counter
    private let cpuSecondsCounted = Mutex(0.0)
    private let openFileDescriptors: Gauge
    private let startTime: Gauge
    private let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
    private let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    init(registry: PrometheusCollectorRegistry) {
        residentMemory = registry.makeGauge(
            descriptor: ServiceMetrics.name("process_resident_memory_bytes", "Resident memory size."))
        cpuSeconds = registry.makeCounter(
            descriptor: ServiceMetrics.name("process_cpu_seconds_total", "User and system CPU time spent, in seconds."))
        openFileDescriptors = registry.makeGauge(
            descriptor: ServiceMetrics.name("process_open_fds", "Open file descriptors."))
        startTime = registry.makeGauge(
            descriptor: ServiceMetrics.name(
                "process_start_time_seconds", "Start time of the process since the Unix epoch, in seconds."))
        startTime.set(
            Date().timeIntervalSince1970 - ProcessInfo.processInfo.systemUptime + Self.bootOffset(ticksPerSecond))
    }

    /// Reads the current figures.
    func update() {
        if let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) {
            let fields = statm.split(separator: " ")
            if fields.count > 1, let pages = Double(fields[1]) { residentMemory.set(pages * pageSize) }
        }
        if let fields = Self.statFields() {
            // utime and stime are fields 14 and 15 of /proc/self/stat, in clock ticks.
            if let user = Double(fields[11]), let system = Double(fields[12]) {
                let total = (user + system) / ticksPerSecond
                let increase = cpuSecondsCounted.withLock { counted in
                    defer { counted = max(counted, total) }
                    return max(0, total - counted)
                }
                cpuSeconds.increment(by: increase)
            }
        }
        if let descriptors = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            openFileDescriptors.set(Double(descriptors.count))
        }
    }

    /// Seconds from boot to this process's start, from field 22 of `/proc/self/stat`.
    private static func bootOffset(_ ticksPerSecond: Double) -> Double {
        guard let fields = statFields(), let ticks = Double(fields[19]) else { return 0 }
        return ticks / ticksPerSecond
    }

    /// The fields of `/proc/self/stat` after the command name (which may hold spaces): field 3 first.
    private static func statFields() -> [Substring]? {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 19 ? fields : nil
    }
}
