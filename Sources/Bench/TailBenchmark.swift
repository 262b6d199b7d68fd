import ArgumentParser
import AsyncHTTPClient
import Foundation
import LogModel
import NIOCore
import NIOHTTP1
import Parsing
import Synchronization

/// `logsmith-bench tail`: opens a live tail (on another replica, with `--tail-url`), sends records at
/// an offered rate, and prints as one JSON object how long each took from its acknowledgement to its
/// arrival on the tail, and how many never arrived or arrived twice.
struct TailBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail", abstract: "Measure how soon committed records reach a live tail.")

    @OptionGroup var server: ServerOptions
    @Option(help: "Base URL of the Logsmith the tail is opened on (default: --url).") var tailURL: String?
    @Option(help: "Records to send in all.") var records = 2000
    @Option(help: "Records per request.") var batch = 1
    @Option(help: "Records offered per second.") var rate = 200
    @Option(help: "Concurrent clients.") var concurrency = 8

    func validate() throws {
        guard records > 0, batch > 0, rate > 0, concurrency > 0 else {
            throw ValidationError("--records, --batch, --rate and --concurrency must be positive")
        }
    }

    func run() async throws {
        let service = "tail-bench-\(UInt32.random(in: 0...UInt32.max))"
        let target = server.target
        let tailTarget = ServerTarget(url: tailURL ?? target.url, key: target.key)
        let stream = try await HTTPClient.bench.execute(
            tailTarget.request("/api/v1/tail?q=service:\(service)"), deadline: .now() + .hours(1))
        guard stream.status == .ok else { throw ValidationError("the tail answered \(stream.status.code)") }
        let arrivals = TailArrivals()
        let reader = Task { try await arrivals.read(stream.body, expecting: records) }
        let requests = (records + batch - 1) / batch
        let start = ContinuousClock.now
        let results = try await Clients.run(
            concurrency: concurrency, items: requests, deadline: start + .seconds(600),
            interval: .seconds(Double(batch) / Double(rate))
        ) { index in
            let numbers = (index * batch)..<min(records, (index + 1) * batch)
            let body = numbers.map { #"{"message":"tb \#($0)","service":"\#(service)"}"# }.joined(separator: "\n")
            let committed = try await target.ingest(
                ByteBuffer(string: body), records: numbers.count, timeout: .seconds(60))
            if committed != nil { arrivals.acknowledged(numbers) }
            return committed
        }
        let patience = Task {
            try await Task.sleep(for: .seconds(10))
            reader.cancel()
        }
        _ = try? await reader.value
        patience.cancel()
        try arrivals.summary(results, elapsed: ContinuousClock.now - start, offered: rate, batch: batch)
    }
}

/// When each record was acknowledged and when it reached the tail.
final class TailArrivals: Sendable {
    private struct State {
        var acknowledged: [Int: ContinuousClock.Instant] = [:]
        var arrived: [Int: ContinuousClock.Instant] = [:]
        var duplicates = 0
    }

    private let state = Mutex(State())

    /// Notes the acknowledgement of the records numbered `numbers`.
    func acknowledged(_ numbers: Range<Int>) {
        let now = ContinuousClock.now
        state.withLock { state in for number in numbers { state.acknowledged[number] = now } }
    }

    /// Reads the tail's events until `expecting` records arrived.
    func read(_ body: HTTPClientResponse.Body, expecting: Int) async throws {
        var parser = ServerSentEventParser()
        for try await buffer in body {
            let now = ContinuousClock.now
            for event in parser.feed(buffer.readableBytesView) where event.type == "log" {
                guard case .array(let records) = try JSONParser.parse(Array(event.data.utf8)) else { continue }
                let numbers = records.compactMap { record -> Int? in
                    guard case .object(let fields) = record, case .string(let message) = fields["message"] else {
                        return nil
                    }
                    return Int(message.dropFirst(3))
                }
                let done = state.withLock { state in
                    for number in numbers {
                        if state.arrived[number] != nil { state.duplicates += 1 } else { state.arrived[number] = now }
                    }
                    return state.arrived.count >= expecting
                }
                if done { return }
            }
        }
    }

    /// Prints the ingest results with the tail's delivery: latency from acknowledgement to arrival,
    /// records that never arrived, and records that arrived twice.
    func summary(_ results: [ClientResult], elapsed: Duration, offered: Int, batch: Int) throws {
        let (delays, missing, duplicates) = state.withLock { state in
            (
                state.acknowledged.compactMap { number, acknowledged in
                    state.arrived[number].map { max(.zero, $0 - acknowledged) }
                }.sorted(),
                state.acknowledged.keys.filter { state.arrived[$0] == nil }.count,
                state.duplicates
            )
        }
        try Summary.print(
            results, elapsed: elapsed,
            extra: [
                "offered_records_per_second": offered, "batch": batch, "delivered": delays.count, "missing": missing,
                "duplicates": duplicates, "delivery_p50_ms": Summary.percentile(delays, 0.50),
                "delivery_p95_ms": Summary.percentile(delays, 0.95), "delivery_max_ms": Summary.percentile(delays, 1),
            ])
    }
}
