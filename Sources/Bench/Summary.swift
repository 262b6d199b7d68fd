import ArgumentParser
import Foundation

/// What one benchmark client measured.
struct ClientResult: Sendable {
    var latencies: [Duration] = []
    var records = 0
    var errors = 0
}

/// Runs `concurrency` clients that together send each of `items` requests once (or until the
/// deadline), timing each; `send` makes request `index` and says how many records it committed
/// (nil for an error answer). With an `interval`, request `index` is due at `index * interval`
/// after the start (an offered rate, open loop) and its latency counts from when it was due, so a
/// server that falls behind is charged for the queueing it causes.
enum Clients {
    static func run(
        concurrency: Int, items: Int, deadline: ContinuousClock.Instant, interval: Duration? = nil,
        send: @escaping @Sendable (Int) async throws -> Int?
    ) async throws -> [ClientResult] {
        let next = BatchCounter()
        let start = ContinuousClock.now
        return try await withThrowingTaskGroup(of: ClientResult.self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    var result = ClientResult()
                    while ContinuousClock.now < deadline, let index = await next.take(below: items) {
                        var sent = ContinuousClock.now
                        if let interval {
                            sent = start + interval * index
                            try await Task.sleep(until: sent)
                        }
                        let records = try await send(index)
                        result.latencies.append(ContinuousClock.now - sent)
                        if let records { result.records += records } else { result.errors += 1 }
                    }
                    return result
                }
            }
            return try await group.reduce(into: [ClientResult]()) { $0.append($1) }
        }
    }
}

/// Hands out work item indexes to the clients, each once.
actor BatchCounter {
    private var value = 0

    func take(below limit: Int) -> Int? {
        guard value < limit else { return nil }
        defer { value += 1 }
        return value
    }
}

/// The one-line JSON result every benchmark prints.
enum Summary {
    static func print(_ results: [ClientResult], elapsed: Duration, extra: [String: Any]) throws {
        let latencies = results.flatMap(\.latencies).sorted()
        let seconds = elapsed / .seconds(1)
        let records = results.reduce(0) { $0 + $1.records }
        var summary: [String: Any] = [
            "requests": latencies.count, "errors": results.reduce(0) { $0 + $1.errors }, "seconds": seconds,
            "requests_per_second": Double(latencies.count) / seconds,
            "p50_ms": percentile(latencies, 0.50), "p95_ms": percentile(latencies, 0.95),
            "p99_ms": percentile(latencies, 0.99),
        ]
        if records > 0 {
            summary["records"] = records
            summary["records_per_second"] = Double(records) / seconds
        }
        summary.merge(extra) { $1 }
        let json = try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys])
        Swift.print(String(decoding: json, as: UTF8.self))
    }

    /// The value at `fraction` of the way through sorted durations, in milliseconds; 0 when there are none.
    static func percentile(_ sorted: [Duration], _ fraction: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let index = min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)
        return sorted[max(0, index)] / .milliseconds(1)
    }
}
