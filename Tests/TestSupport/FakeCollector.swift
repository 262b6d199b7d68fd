import AsyncHTTPClient
import Foundation
import NIOCore

/// The fake OTLP/HTTP collector (`Tests/otlp/collector.py`) running as a child process: it decodes
/// what it receives with the official opentelemetry-proto package and reports it as JSON.
public final class FakeCollector: @unchecked Sendable {
    /// What the collector has seen so far.
    public struct Received: Decodable, Sendable {
        /// One POST: when it arrived, its headers, and the status the collector answered.
        public struct Request: Decodable, Sendable {
            /// Arrival, in seconds since the Unix epoch.
            public var time: Double
            /// Header names in lowercase.
            public var headers: [String: String]
            /// The status answered.
            public var status: Int
        }

        /// One decoded span (IDs in hex) with its resource's attributes.
        public struct Span: Decodable, Sendable {
            /// An attribute, with its value as the collector's JSON gives it.
            public struct Attribute: Decodable, Sendable {
                /// The attribute's name.
                public var key: String
                /// The value, one member named after its kind (`string_value`, `int_value`, ...).
                public var value: [String: AnyCodableValue]
            }

            /// The resource the span came with.
            public struct Resource: Decodable, Sendable {
                /// Its attributes.
                public var attributes: [Attribute]
            }

            /// Trace ID in hex.
            public var trace_id: String
            /// Span ID in hex.
            public var span_id: String
            /// Parent span ID in hex, empty for a root.
            public var parent_span_id: String
            /// The span's name.
            public var name: String
            /// `SPAN_KIND_SERVER` and so on.
            public var kind: String
            /// The span's attributes.
            public var attributes: [Attribute]?
            /// The resource.
            public var resource: Resource
            /// Linked spans.
            public var links: [[String: String]]

            /// The string form of an attribute's value, whatever its kind.
            public func attribute(_ key: String) -> String? {
                attributes?.first { $0.key == key }?.value.values.first?.text
            }
        }

        /// Every POST, in order.
        public var requests: [Request]
        /// Every span decoded, in order of arrival.
        public var spans: [Span]
    }

    /// A JSON scalar, kept as text.
    public struct AnyCodableValue: Decodable, Sendable {
        /// The value as text.
        public var text: String

        /// Decodes a string, number or Boolean.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let string = try? container.decode(String.self) {
                text = string
            } else if let bool = try? container.decode(Bool.self) {
                text = String(bool)
            } else if let number = try? container.decode(Double.self) {
                text = String(number)
            } else {
                text = ""
            }
        }
    }

    private let process: ChildProcess
    /// The collector's standard output, held open while it runs, so that nothing it prints after its
    /// port meets a closed pipe.
    private let output = Pipe()
    /// The loopback port it listens on.
    public private(set) var port = 0

    /// The collector's base URL.
    public var endpoint: String { "http://127.0.0.1:\(port)" }

    /// Starts the collector with extra arguments (`--throttle N`, `--slow S`) and waits for its port.
    public init(arguments: [String] = []) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        let python = ProcessInfo.processInfo.environment["LOGSMITH_TEST_PYTHON"] ?? "python3"
        process = try ChildProcess(
            python, [root.appendingPathComponent("otlp/collector.py").path] + arguments,
            output: output.fileHandleForWriting)
        try output.fileHandleForWriting.close()
        let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        guard let port = Int(line.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.signal(SIGKILL)
            process.waitUntilExit()
            throw CollectorDidNotStart(
                message: "the fake collector printed \(line.debugDescription); "
                    + "set LOGSMITH_TEST_PYTHON to a Python with opentelemetry-proto (scripts/test does)")
        }
        self.port = port
    }

    deinit {
        // SIGKILL: a child of the test runner may inherit a signal mask that blocks SIGTERM.
        process.signal(SIGKILL)
        process.waitUntilExit()
    }

    /// What the collector has received so far.
    public func received() async throws -> Received {
        let response = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: endpoint + "/received"), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 64 << 20)
        return try JSONDecoder().decode(Received.self, from: Data(body.readableBytesView))
    }

    /// Polls until `condition` holds for what was received, up to `timeout`; returns the last answer.
    public func waitFor(timeout: Duration = .seconds(20), _ condition: (Received) -> Bool) async throws -> Received {
        let deadline = ContinuousClock.now + timeout
        while true {
            let received = try await received()
            if condition(received) || ContinuousClock.now > deadline { return received }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// The collector did not report its port.
    public struct CollectorDidNotStart: Error, CustomStringConvertible {
        /// What went wrong.
        public var message: String
        /// The message.
        public var description: String { message }
    }
}
