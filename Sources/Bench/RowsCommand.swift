import ArgumentParser
import Foundation
import LogModel
import Stores

/// `logsmith-bench rows`: writes the seeded workload as CSV rows of the `logs` table, normalised by
/// the same decoder the server uses and with the promoted access-log columns the store fills, for the raw bulk-load floor (`COPY` on PostgreSQL,
/// `.import` on SQLite) that ingest is compared with.
struct RowsCommand: ParsableCommand {
    /// How a database's bulk loader wants timestamps and absent values.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        /// RFC 3339 timestamps; absent values as unquoted empty fields, which `COPY ... CSV` reads as NULL.
        case postgres
        /// Microseconds since the epoch; absent values as empty strings, for `NULLIF` after `.import`.
        case sqlite
    }

    static let configuration = CommandConfiguration(
        commandName: "rows", abstract: "Write the workload as CSV rows of the logs table.")

    @Option(help: "Records to write.") var records = 100_000
    @Option(help: "Workload seed (the same as ingest's gives the same records).") var seed: UInt64 = 42
    @Option(help: "Directory of the log data (the repository's testdata).") var data = "testdata"
    @Option(help: "Tenant of every row.") var tenant = "default"
    @Option(help: "Timestamp and null conventions: postgres or sqlite.") var format = Format.postgres

    func validate() throws {
        guard records > 0 else { throw ValidationError("--records must be positive") }
    }

    func run() throws {
        var workload = try Workload(dataDirectory: data, seed: seed)
        let decoder = RecordDecoder()
        var output = ""
        for index in 0..<records {
            let record = try decoder.decode(workload.next(), tenant: tenant, receivedAt: .now()).get()
            let attributes = JSONValue.object(record.attributes).jsonText
            let fields: [String?] =
                [
                    record.id, record.tenant, timestamp(record.timestamp), timestamp(record.observedAt),
                    record.level.rawValue, String(record.severityNumber), record.service, record.host,
                    record.environment, record.message, record.traceID, record.spanID, record.correlationID, attributes,
                ] + PromotedColumns.values(in: record.attributes)
            output += fields.map(field).joined(separator: ",") + "\n"
            if index % 10_000 == 9_999 {
                FileHandle.standardOutput.write(Data(output.utf8))
                output = ""
            }
        }
        FileHandle.standardOutput.write(Data(output.utf8))
    }

    private func timestamp(_ value: Timestamp) -> String {
        format == .postgres ? value.rfc3339 : String(value.microseconds)
    }

    private func field(_ value: String?) -> String {
        guard let value else { return format == .postgres ? "" : "\"\"" }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
