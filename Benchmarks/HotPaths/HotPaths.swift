import Benchmark
import Foundation
import LogModel
import LogQuery
import Patterns
import Stores

/// Records shaped like the `logsmith-bench` workload: a LogHub line and an access-log line, with
/// trace, span and correlation IDs and high-cardinality attributes.
let sampleLines = [
    #"{"timestamp":"2026-11-18T08:13:20.050000Z","service":"hdfs","level":"info","host":"hdfs-2","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","correlation_id":"corr-9f1c2ab47d10e3aa","message":"081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating","attributes":{"user_id":"u31337","region":"eu-west-1"}}"#,
    #"{"timestamp":"2026-11-18T08:13:20.100000Z","service":"checkout","level":"warn","host":"checkout-0","trace_id":"0af7651916cd43dd8448eb211c80319c","span_id":"b7ad6b7169203331","message":"93.180.71.3 - - [17/May/2015:08:05:32 +0000] \"GET /downloads/product_1 HTTP/1.1\" 304 0 \"-\" \"Debian APT-HTTP/1.3 (0.8.16~exp12ubuntu10.21)\"","attributes":{"user_id":"u4711","client_ip":"93.180.71.3","path":"/downloads/product_1"}}"#,
]
let sampleBytes = sampleLines.map { Array($0.utf8) }
/// Attributes as PostgreSQL returns a `jsonb` column's text, about the size of the workload's.
let storedAttributes = [
    #"{"path": "/downloads/product_1", "region": "eu-west-1", "user_id": "u31337", "client_ip": "93.180.71.3", "http.status": 304}"#,
    #"{"region": "us-east-1", "user_id": "u19723", "request_id": "req-5c1f07e2a9", "duration_ms": 12.5, "retry": false}"#,
].map { Array($0.utf8) }
let sampleValues = sampleBytes.map { try! JSONParser.parse($0) }
let receivedAt = Timestamp(rfc3339: "2026-11-18T08:13:21Z")!
let sampleRecords = (0..<1_000).map {
    try! RecordDecoder().decode(sampleValues[$0 % 2], tenant: "bench", receivedAt: receivedAt).get()
}
let sampleQueries = [
    #"service:checkout AND level:error"#, #""connection refused" OR timeout"#,
    #"attributes.user_id:u31337 -level:debug"#, #"(service:hdfs OR service:spark) AND blk_3886*"#,
]

let benchmarks: @Sendable () -> Void = {
    let metrics: [BenchmarkMetric] = [.wallClock, .throughput, .mallocCountTotal]
    let perRecord = Benchmark.Configuration(metrics: metrics, scalingFactor: .kilo, maxDuration: .seconds(2))
    let perBatch = Benchmark.Configuration(metrics: metrics, scalingFactor: .one, maxDuration: .seconds(2))
    Benchmark("decode record: JSONParser", configuration: perRecord) { benchmark in
        for index in benchmark.scaledIterations {
            blackHole(try JSONParser.parse(sampleBytes[index % 2]))
        }
    }
    Benchmark("decode record: Foundation JSONDecoder (the previous decoder)", configuration: perRecord) { benchmark in
        let decoder = JSONDecoder()
        let data = sampleBytes.map { Data($0) }
        for index in benchmark.scaledIterations {
            blackHole(try decoder.decode(JSONValue.self, from: data[index % 2]))
        }
    }
    Benchmark("decode stored attributes (PostgreSQL's jsonb text): JSONParser", configuration: perRecord) {
        benchmark in
        for index in benchmark.scaledIterations {
            blackHole(try JSONParser.parse(storedAttributes[index % 2]))
        }
    }
    Benchmark("normalise record: RecordDecoder", configuration: perRecord) { benchmark in
        let decoder = RecordDecoder()
        for index in benchmark.scaledIterations {
            blackHole(decoder.decode(sampleValues[index % 2], tenant: "bench", receivedAt: receivedAt))
        }
    }
    Benchmark("parse query", configuration: perRecord) { benchmark in
        for index in benchmark.scaledIterations {
            blackHole(try QueryParser.parse(sampleQueries[index % sampleQueries.count]))
        }
    }
    Benchmark("encode batch of 1,000: PostgreSQL column arrays", configuration: perBatch) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(PostgresLogStore.batchBindings(for: sampleRecords))
        }
    }
    Benchmark("encode batch of 1,000: SQLite JSON rows", configuration: perBatch) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(SQLiteLogStore.batchJSON(for: sampleRecords))
        }
    }
    Benchmark("encode attributes: JSONValue.jsonText", configuration: perRecord) { benchmark in
        for index in benchmark.scaledIterations {
            blackHole(JSONValue.object(sampleRecords[index % 2].attributes).jsonText)
        }
    }
    Benchmark("encode attributes: Foundation JSONEncoder (the previous encoder)", configuration: perRecord) {
        benchmark in
        let encoder = JSONEncoder()
        for index in benchmark.scaledIterations {
            blackHole(try encoder.encode(sampleRecords[index % 2].attributes))
        }
    }
    Benchmark("encode a page of 100 records: LogRecord.writeJSON", configuration: perBatch) { benchmark in
        let page = Array(sampleRecords.prefix(100))
        for _ in benchmark.scaledIterations {
            var output = JSONOutput()
            LogRecord.writeJSON(page, to: &output)
            blackHole(output.bytes)
        }
    }
    Benchmark(
        "read and write a page of 100 stored records: attributes parsed (the previous way)", configuration: perBatch
    ) {
        benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(
                try storedPage { text in
                    guard case .object(let members) = try JSONParser.parse(text) else { return RecordAttributes([:]) }
                    return RecordAttributes(members)
                })
        }
    }
    Benchmark("read and write a page of 100 stored records: attributes as sorted text", configuration: perBatch) {
        benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try storedPage { text in try text.withUnsafeBytes { try RecordAttributes(storedText: $0) } })
        }
    }
    Benchmark("encode a page of 100 records: Foundation JSONEncoder (the previous encoder)", configuration: perBatch) {
        benchmark in
        let page = Array(sampleRecords.prefix(100))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for _ in benchmark.scaledIterations {
            blackHole(try encoder.encode(page))
        }
    }
    Benchmark("mine one line: PatternMiner, the LogHub lines of testdata in turn", configuration: perRecord) {
        benchmark in
        var miner = PatternMiner()
        for index in benchmark.scaledIterations {
            blackHole(miner.assign(loghubLines[index % loghubLines.count]))
        }
    }
}

/// A page of 100 records whose attributes `read` makes from the stored text, written as the API
/// writes it.
func storedPage(_ read: ([UInt8]) throws -> RecordAttributes) rethrows -> [UInt8] {
    let page = try sampleRecords.prefix(100).enumerated().map { index, record in
        var stored = record
        stored.attributeStorage = try read(storedAttributes[index % 2])
        return stored
    }
    var output = JSONOutput()
    LogRecord.writeJSON(page, to: &output)
    return output.bytes
}

/// The lines of every LogHub sample under `testdata/loghub` (`*_2k.log`), system after system, as a
/// text log arrives. The samples end their lines with CR LF, one `Character`, so they are split at
/// any newline rather than at `"\n"`.
let loghubLines: [String] = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("testdata/loghub")
    let systems = (try? FileManager.default.contentsOfDirectory(atPath: root.path).sorted()) ?? []
    return systems.flatMap { system -> [String] in
        let file = root.appendingPathComponent("\(system)/\(system)_2k.log")
        let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        return text.split(whereSeparator: \.isNewline).map(String.init)
    }
}()
