import Foundation

/// A deterministic stream of realistic log records built from `shared/data`: the LogHub systems'
/// lines and the nginx/Apache access logs, spread over about 20 services with skewed levels,
/// correlation IDs shared by 2-20 records across services, trace IDs, and attributes with a few
/// high-cardinality keys (user ID, request path, client IP).
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
    private let formatter = ISO8601DateFormatter()

    /// The first record's timestamp, in microseconds since the epoch.
    static let firstMicroseconds: Int64 = 1_795_000_000_000_000
    /// Microseconds between consecutive records' timestamps: a million records span 14 hours.
    static let spacingMicroseconds: Int64 = 50_000

    /// Loads every source under `dataDirectory`; the seed fixes the whole stream.
    init(dataDirectory: String, seed: UInt64) throws {
        random = SeededGenerator(seed: seed)
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
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
    mutating func next() -> [String: Any] {
        produced += 1
        let source = sources[Int(random.next() % UInt64(sources.count))]
        let line = source.lines[Int(random.next() % UInt64(source.lines.count))]
        var record: [String: Any] = [
            "timestamp": formatter.string(
                from: Date(
                    timeIntervalSince1970: Double(Self.firstMicroseconds + Int64(produced) * Self.spacingMicroseconds)
                        / 1e6)),
            "service": source.service,
            "level": level(),
            "message": line,
            "host": "\(source.service)-\(random.next() % 4)",
            "trace_id": hex(16),
            "span_id": hex(8),
        ]
        if let id = correlation() { record["correlation_id"] = id }
        var attributes: [String: Any] = ["user_id": "u\(random.next() % 50_000)"]
        if source.isAccessLog {
            let fields = line.split(separator: " ", maxSplits: 8)
            if fields.count > 6 {
                attributes["client_ip"] = String(fields[0])
                attributes["path"] = String(fields[6])
            }
        } else {
            attributes["region"] = ["eu-west-1", "us-east-1", "ap-south-1"][Int(random.next() % 3)]
        }
        record["attributes"] = attributes
        return record
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
        (0..<bytes).map { _ in String(format: "%02x", UInt8(truncatingIfNeeded: random.next())) }.joined()
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
