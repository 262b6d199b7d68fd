import LogModel
import Telemetry

extension ServiceMetrics {
    /// Counts committed records by level, sharing `bytes` out by record count.
    func countAccepted(_ records: [LogRecord], tenant: String, bytes: Int, protocol: String) {
        guard !records.isEmpty else { return }
        let levels = Dictionary(grouping: records) { $0.level.rawValue.lowercased() }
        for (level, group) in levels {
            ingestAccepted(
                tenant: tenant, level: level, records: group.count, bytes: bytes * group.count / records.count,
                protocol: `protocol`)
        }
    }
}
