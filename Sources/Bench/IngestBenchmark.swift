import ArgumentParser
import AsyncHTTPClient
import Foundation
import LogModel
import NIOCore
import NIOHTTP1

/// `logsmith-bench ingest`: posts a seeded workload in batches from several concurrent clients, as
/// NDJSON to our own route or as OTLP/HTTP protobuf to `/v1/logs`, and prints records/s and request
/// latency percentiles as one JSON object.
struct IngestBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest", abstract: "Measure ingest throughput and latency.")

    @OptionGroup var server: ServerOptions
    @Option(help: "Records to send in all.") var records = 100_000
    @Option(help: "Records per request.") var batch = 100
    @Option(help: "Concurrent clients.") var concurrency = 8
    @Option(help: "Workload seed.") var seed: UInt64 = 42
    @Option(help: "Stop after this many seconds even if records remain.") var maxSeconds = 120.0
    @Option(help: "Directory of the log data (the repository's testdata).") var data = "testdata"
    @Option(
        help: """
            The protocol: native (NDJSON to /api/v1/logs), otlp (protobuf to /v1/logs), loki (Snappy \
            protobuf to /loki/api/v1/push) or elasticsearch (_bulk).
            """)
    var `protocol` = IngestProtocol.native
    @Option(help: "Offer this many records/s (open loop) instead of sending as fast as answers come.")
    var rate: Double?
    @Option(help: "The server's process ID, to report its peak RSS and CPU while the benchmark runs.")
    var serverPid: Int32?
    @Option(help: "The database server's main process ID (PostgreSQL's postmaster), to report its CPU.")
    var databasePid: Int32?
    @Flag(help: "Date the records so that the last one falls now, as live traffic is, rather than on fixed dates.")
    var endingNow = false

    func validate() throws {
        guard records > 0, batch > 0, concurrency > 0, maxSeconds > 0, (rate ?? 1) > 0 else {
            throw ValidationError("--records, --batch, --concurrency, --max-seconds and --rate must be positive")
        }
    }

    /// Records generated ahead of sending at a time, so that generating them is not measured and a
    /// load of any size holds at most this many in memory.
    static let segmentRecords = 1_000_000

    func run() async throws {
        var workload = try Workload(dataDirectory: data, seed: seed)
        if endingNow {
            workload.shiftMicroseconds =
                Timestamp.now().microseconds - Workload.firstMicroseconds - Int64(records)
                * Workload.spacingMicroseconds
        }
        let target = server.target
        let sampler = serverPid.flatMap(ServerSampler.init(pid:))
        let cpu = CPUSampler(databasePid: databasePid)
        let deadline = ContinuousClock.now + .seconds(maxSeconds)
        let interval = rate.map { Duration.seconds(Double(batch) / $0) }
        var results: [ClientResult] = []
        var elapsed = Duration.zero
        var sent = 0
        while sent < records && ContinuousClock.now < deadline {
            let count = min(records - sent, Self.segmentRecords - Self.segmentRecords % batch)
            let bodies = try Self.bodies(count, batch: batch, protocol: `protocol`, from: &workload)
            let start = ContinuousClock.now
            results += try await Clients.run(
                concurrency: concurrency, items: bodies.count, deadline: deadline, interval: interval
            ) { index in
                try await target.ingest(
                    bodies[index].bytes, records: bodies[index].records, protocol: `protocol`, timeout: .seconds(60))
            }
            elapsed += ContinuousClock.now - start
            sent += count
        }
        var extra: [String: Any] = ["batch": batch, "concurrency": concurrency, "protocol": `protocol`.rawValue]
        if let rate { extra["offered_records_per_second"] = rate }
        if let sampler { extra.merge(await sampler.finish()) { $1 } }
        extra.merge(cpu.finish()) { $1 }
        try Summary.print(results, elapsed: elapsed, extra: extra)
    }

    /// The next `count` records as request bodies of `batch` records each.
    private static func bodies(
        _ count: Int, batch: Int, protocol: IngestProtocol, from workload: inout Workload
    ) throws -> [(bytes: ByteBuffer, records: Int)] {
        try stride(from: 0, to: count, by: batch).map { offset in
            let records = (0..<min(batch, count - offset)).map { _ in workload.next() }
            switch `protocol` {
            case .native: return (ByteBuffer(string: records.map(\.jsonText).joined(separator: "\n")), records.count)
            case .otlp: return (ByteBuffer(bytes: try OTLPBodies.body(records)), records.count)
            case .loki: return (ByteBuffer(bytes: try LokiBodies.body(records)), records.count)
            case .elasticsearch: return (ByteBuffer(string: ElasticsearchBodies.body(records)), records.count)
            }
        }
    }
}

/// The ingest protocols the benchmark speaks, each to its route as its usual shipper does.
enum IngestProtocol: String, ExpressibleByArgument {
    /// NDJSON to `/api/v1/logs`.
    case native
    /// OTLP/HTTP protobuf to `/v1/logs`, as an SDK or Collector sends it.
    case otlp
    /// Snappy-compressed protobuf to `/loki/api/v1/push`, as Promtail sends it.
    case loki
    /// `_bulk` NDJSON with ECS documents, as Filebeat sends it.
    case elasticsearch

    /// The route, its content type, and the status of a committed request.
    var route: (path: String, contentType: String, committed: Int) {
        switch self {
        case .native: ("/api/v1/logs", "application/x-ndjson", 200)
        case .otlp: ("/v1/logs", "application/x-protobuf", 200)
        case .loki: ("/loki/api/v1/push", "application/x-protobuf", 204)
        case .elasticsearch: ("/_bulk", "application/x-ndjson", 200)
        }
    }
}
