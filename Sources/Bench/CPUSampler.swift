import Foundation

/// Measures over a benchmark how busy the machine's cores were and how much CPU a database server
/// used (its postmaster and every backend under it), so that a run shows where the CPU went.
struct CPUSampler {
    private let machineStart: (busy: Double, total: Double)?
    private let databasePid: Int32?
    private let databaseStart: [Int32: Double]
    private let start = ContinuousClock.now

    /// Takes the starting readings; `databasePid` is the database server's main process, if known.
    init(databasePid: Int32?) {
        machineStart = ProcFS.machineSeconds()
        self.databasePid = databasePid
        databaseStart = databasePid.map(Self.cpuSeconds(ofFamily:)) ?? [:]
    }

    /// The machine's busy share of all its cores, and the database's CPU in percent of one core
    /// (a backend that started meanwhile counts from zero).
    func finish() -> [String: Any] {
        var figures: [String: Any] = [:]
        if let machineStart, let machine = ProcFS.machineSeconds(), machine.total > machineStart.total {
            figures["machine_busy_percent"] =
                100 * (machine.busy - machineStart.busy) / (machine.total - machineStart.total)
        }
        if let databasePid {
            let used = Self.cpuSeconds(ofFamily: databasePid).reduce(0.0) { sum, process in
                sum + process.value - (databaseStart[process.key] ?? 0)
            }
            figures["database_cpu_percent"] = 100 * used / ((ContinuousClock.now - start) / .seconds(1))
        }
        return figures
    }

    private static func cpuSeconds(ofFamily pid: Int32) -> [Int32: Double] {
        Dictionary(
            uniqueKeysWithValues: ProcFS.family(of: pid).compactMap { member in
                ProcFS.cpuSeconds(member).map { (member, $0) }
            })
    }
}
