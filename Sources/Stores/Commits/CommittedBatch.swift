public import LogModel

/// Records of one tenant that one insert committed, named by ID: what the commit feed announces, so
/// that a live tail on any process can read exactly those records.
public struct CommittedBatch: Sendable, Hashable {
    /// The tenant of every record.
    public var tenant: String
    /// The records' IDs, in the order of the insert.
    public var ids: [String]
    /// The earliest timestamp among the records.
    public var earliest: Timestamp
    /// The latest timestamp among the records.
    public var latest: Timestamp

    /// Creates a batch.
    public init(tenant: String, ids: [String], earliest: Timestamp, latest: Timestamp) {
        self.tenant = tenant
        self.ids = ids
        self.earliest = earliest
        self.latest = latest
    }

    /// Most IDs one batch names, so that its text form fits a PostgreSQL notification (8,000 bytes).
    public static let maxIDs = 200

    /// The batches announcing `records`: one per tenant and run of at most ``maxIDs`` records, in the
    /// order of the records.
    public static func announcing(_ records: [LogRecord]) -> [CommittedBatch] {
        var tenants: [String] = []
        var byTenant: [String: [LogRecord]] = [:]
        for record in records {
            if byTenant[record.tenant] == nil { tenants.append(record.tenant) }
            byTenant[record.tenant, default: []].append(record)
        }
        return tenants.flatMap { tenant in
            let records = byTenant[tenant] ?? []
            return stride(from: 0, to: records.count, by: maxIDs).map { start in
                let run = records[start..<min(start + maxIDs, records.count)]
                let times = run.map(\.timestamp)
                return CommittedBatch(
                    tenant: tenant, ids: run.map(\.id), earliest: times.min() ?? Timestamp(microseconds: 0),
                    latest: times.max() ?? Timestamp(microseconds: 0))
            }
        }
    }

    /// The batch without the IDs up to and including `id`; nil when it does not name `id`.
    public func after(_ id: String) -> CommittedBatch? {
        guard let position = ids.firstIndex(of: id) else { return nil }
        var rest = self
        rest.ids = Array(ids[(position + 1)...])
        return rest
    }

    /// The text form a notification carries: tenant, times and IDs, one per line.
    var payload: String {
        ([tenant, "\(earliest.microseconds)", "\(latest.microseconds)"] + ids).joined(separator: "\n")
    }

    /// Decodes a notification's text; nil when it is not one ``payload`` made.
    init?(payload: String) {
        let lines = payload.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count >= 4, let earliest = Int64(lines[1]), let latest = Int64(lines[2]),
            lines[3...].allSatisfy(RecordID.isWellFormed)
        else { return nil }
        self.init(
            tenant: lines[0], ids: Array(lines[3...]), earliest: Timestamp(microseconds: earliest),
            latest: Timestamp(microseconds: latest))
    }
}
