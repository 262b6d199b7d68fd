import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore

/// Concurrent clients for fault tests: each ingests NDJSON batches of 20 records, one after another
/// on a keep-alive connection, as fast as the server answers, recording every outcome, until told to
/// stop or, once the server was signalled, until its connection fails.
enum IngestLoad {
    /// Starts `clients` clients against the server on `port`; every record names `run` as its service.
    static func start(clients: Int, port: Int, run: String, outcomes: RequestOutcomes) -> [Task<Void, any Error>] {
        (0..<clients).map { client in
            Task {
                while await !outcomes.stopped {
                    do {
                        try await TestClient.withClient(host: "127.0.0.1", port: port) { http in
                            for _ in 0..<100_000 {
                                guard await !outcomes.stopped else { return }
                                let batch = UUID().uuidString.prefix(8)
                                let messages = (0..<20).map { "\(run) client \(client) batch \(batch) record \($0)" }
                                await outcomes.sending(messages)
                                let response = try await http.post(
                                    "/api/v1/logs", headers: [.contentType: "application/x-ndjson"],
                                    body: ByteBuffer(
                                        string: messages.map { #"{"message": "\#($0)", "service": "\#(run)"}"# }
                                            .joined(separator: "\n")))
                                await outcomes.answered(
                                    messages, status: response.status.code,
                                    retryAfter: response.headers[.retryAfter])
                            }
                        }
                    } catch {
                        // The connection closed or was refused: only expected once the server is going away.
                        guard await outcomes.signalled else { throw error }
                        return
                    }
                }
            }
        }
    }
}

/// What became of each request of a load test: sent, answered (and how), and whether the server
/// was signalled to go away.
actor RequestOutcomes {
    /// Messages of requests answered 200.
    private(set) var acknowledged: Set<String> = []
    /// Answers other than 200: status and `Retry-After`.
    private(set) var refusals: [Refusal] = []
    /// Whether the server was told to shut down, after which failed connections are expected.
    private(set) var signalled = false
    /// Whether the clients should stop.
    private(set) var stopped = false
    private var pending: Set<String> = []

    /// A request answered with another status than 200.
    struct Refusal: Sendable, CustomStringConvertible {
        var status: Int
        var retryAfter: String?
        var description: String { "\(status) (Retry-After: \(retryAfter ?? "none"))" }
    }

    /// The messages of requests sent but never answered.
    var unanswered: Set<String> { pending }

    func sending(_ messages: [String]) { pending.formUnion(messages) }

    func answered(_ messages: [String], status: Int, retryAfter: String?) {
        pending.subtract(messages)
        if status == 200 {
            acknowledged.formUnion(messages)
        } else {
            refusals.append(Refusal(status: status, retryAfter: retryAfter))
        }
    }

    func signal() { signalled = true }

    func stop() { stopped = true }

    /// Waits until every request sent has its answer, or `timeout` passes; true when they have.
    func waitUntilAnswered(timeout: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while !pending.isEmpty {
            guard ContinuousClock.now < deadline else { return false }
            try await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    /// Waits until `count` records more than `baseline` are acknowledged, or `timeout` passes; true
    /// when they are.
    func waitForAcknowledged(_ count: Int, after baseline: Int = 0, timeout: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while acknowledged.count < baseline + count {
            guard ContinuousClock.now < deadline else { return false }
            try await Task.sleep(for: .milliseconds(20))
        }
        return true
    }
}
