import Foundation
import LogModel
import Parsing
import TestSupport

/// A deterministic stream of realistic log records built from `testdata`: the LogHub systems'
/// lines and the nginx/Apache access logs, spread over about 20 services with skewed levels,
/// correlation IDs shared by 2-20 records across services, trace IDs, and attributes with a few
/// high-cardinality keys (user ID, request path, client IP). Access-log records carry what the
/// server's access-log parser reads from their line (`http.method`, `http.path`, `http.status`,
/// `client.ip`, ...), their level from the status, and a made-up `duration_ms` (the logs have no
/// request time): mostly tens of milliseconds with a long tail to seconds.
struct Workload {
    private struct Source {
        var service: String
        var lines: [String]
        var isAccessLog: Bool
    }

    private var sources: [Source] = []
    private var random: SeededGenerator
    private var story: (id: String, remaining: Int)?
    private var produced = 0

    /// The first record's timestamp, in microseconds since the epoch.
    static let firstMicroseconds: Int64 = 1_795_000_000_000_000
    /// Microseconds between consecutive records' timestamps: a million records span 14 hours.
    static let spacingMicroseconds: Int64 = 50_000

    /// Added to every timestamp: 0 keeps the fixed dates; ``IngestBenchmark`` moves them to end now.
    var shiftMicroseconds: Int64 = 0

    /// Loads every source under `dataDirectory`; the seed fixes the whole stream.
    init(dataDirectory: String, seed: UInt64) throws {
        random = SeededGenerator(seed: seed)
        let loghub = URL(fileURLWithPath: dataDirectory).appendingPathComponent("loghub")
        for system in try FileManager.default.contentsOfDirectory(atPath: loghub.path).sorted() {
            let file = loghub.appendingPathComponent(system).appendingPathComponent("\(system)_2k.log")
            guard let text = try? String(contentsOf: file, encoding: .utf8) else { continue }
            sources.append(Source(service: system.lowercased(), lines: Self.lines(text), isAccessLog: false))
        }
        let access = URL(fileURLWithPath: dataDirectory).appendingPathComponent("access")
        let webServices = [
            "web-frontend", "checkout", "catalog", "search-api", "auth-gateway", "cdn-edge", "billing",
            "downloads",
        ]
        for (index, name) in ["nginx_access.log", "apache_access.log"].enumerated() {
            let text = try String(contentsOf: access.appendingPathComponent(name), encoding: .utf8)
            let lines = Self.lines(text)
            for part in 0..<4 {
                let service = webServices[index * 4 + part]
                sources.append(
                    Source(
                        service: service, lines: lines.enumerated().filter { $0.offset % 4 == part }.map(\.element),
                        isAccessLog: true))
            }
        }
        guard !sources.isEmpty else { throw WorkloadError(message: "no log data under \(dataDirectory)") }
    }

    /// The next record, as one JSON object.
    mutating func next() -> JSONValue {
        produced += 1
        let source = sources[Int(random.next() % UInt64(sources.count))]
        let line = source.lines[Int(random.next() % UInt64(source.lines.count))]
        let timestamp = Timestamp(
            microseconds: Self.firstMicroseconds + Int64(produced) * Self.spacingMicroseconds + shiftMicroseconds)
        var record: [String: JSONValue] = [
            "timestamp": .string(timestamp.rfc3339),
            "service": .string(source.service),
            "level": .string(source.isAccessLog ? "info" : level()),
            "message": .string(line),
            "host": .string("\(source.service)-\(random.next() % 4)"),
            "trace_id": .string(hex(16)),
            "span_id": .string(hex(8)),
        ]
        if let id = correlation() { record["correlation_id"] = .string(id) }
        var attributes: [String: JSONValue] = ["user_id": .string("u\(random.next() % 50_000)")]
        if source.isAccessLog, case .success(let parsed) = AccessLogParser.parse(line) {
            for (name, value) in parsed.fields where !["timestamp", "message", "level"].contains(name) {
                attributes[name] = value
            }
            record["level"] = parsed.fields["level"] ?? record["level"]
            attributes["duration_ms"] = .double(duration())
        } else {
            attributes["region"] = .string(["eu-west-1", "us-east-1", "ap-south-1"][Int(random.next() % 3)])
        }
        record["attributes"] = .object(attributes)
        return .object(record)
    }

    /// Skewed as production logs are: mostly info, some debug and warnings, few errors.
    private mutating func level() -> String {
        switch random.next() % 100 {
        case 0..<68: "info"
        case 68..<83: "debug"
        case 83..<94: "warn"
        case 94..<99: "error"
        default: "fatal"
        }
    }

    /// A request time in milliseconds from 5 ms to 3 s: the sixth power of a uniform number puts
    /// the median near 50 ms and one in ten over 1.5 s.
    private mutating func duration() -> Double {
        let uniform = Double(random.next() % 1_000_000) / 1_000_000
        return ((5 + 2_995 * pow(uniform, 6)) * 1000).rounded() / 1000
    }

    /// One record in three belongs to a story: a correlation ID shared by the next 2-20 records
    /// that take part, whatever their service.
    private mutating func correlation() -> String? {
        guard random.next() % 3 == 0 else { return nil }
        if let current = story, current.remaining > 0 {
            story = (current.id, current.remaining - 1)
            return current.id
        }
        let id = "corr-" + hex(8)
        story = (id, Int(random.next() % 19) + 1)
        return id
    }

    private mutating func hex(_ bytes: Int) -> String {
        Hex.encode((0..<bytes).map { _ in UInt8(truncatingIfNeeded: random.next()) })
    }

    private static func lines(_ text: String) -> [String] {
        text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
    }
}

/// The workload cannot be built.
struct WorkloadError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
