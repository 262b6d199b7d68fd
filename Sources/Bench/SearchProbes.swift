import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TestSupport

/// Real values to search for, read from pages spread over the loaded workload's time span.
struct SearchProbes {
    /// One query class: a name and requests whose parameters all differ.
    struct QueryClass {
        var name: String
        var paths: [String]
        var allowsNotFound = false
    }

    private var records: [[String: Any]] = []
    private var lastMicroseconds: Int64 = 0

    /// Reads `pages` pages of 1,000 records ending at evenly spread points of the span of `count`
    /// records that ends at the newest one the server holds (on the workload's fixed dates, or
    /// shifted to end at the time it was loaded).
    static func read(_ target: ServerTarget, records count: Int, pages: Int) async throws -> SearchProbes {
        var probes = SearchProbes()
        guard let newest = try await logs(target, "/api/v1/logs?limit=1").first,
            let last = (newest["timestamp"] as? String).flatMap(Self.microseconds)
        else { throw WorkloadError(message: "the server holds no records") }
        probes.lastMicroseconds = last
        let span = Int64(count) * Workload.spacingMicroseconds
        for page in 1...pages {
            let end = last - span + span * Int64(page) / Int64(pages)
            probes.records += try await logs(target, "/api/v1/logs?limit=1000&end=\(end / 1000)")
        }
        return probes
    }

    private static func logs(_ target: ServerTarget, _ path: String) async throws -> [[String: Any]] {
        let response = try await HTTPClient.bench.execute(target.request(path), timeout: .seconds(120))
        let body = try await response.body.collect(upTo: 64 << 20)
        guard response.status == .ok,
            let object = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
            let logs = object["logs"] as? [[String: Any]]
        else { throw WorkloadError(message: "probe search failed with \(response.status)") }
        return logs
    }

    /// Every query class, each with `count` requests of distinct parameters.
    func classes(count: Int) -> [QueryClass] {
        let hour: Int64 = 3_600_000_000
        let serviceLevel = records.compactMap { record -> String? in
            guard let service = record["service"] as? String, let level = record["level"] as? String,
                let time = (record["timestamp"] as? String).flatMap(Self.microseconds)
            else { return nil }
            let query = "service:\(service) level:\(level)"
            return "/api/v1/logs?q=\(Self.encode(query))&start=\((time - hour) / 1000)&end=\(time / 1000 + 1)"
        }
        let words = messageTokens()
        let wordCounts = Dictionary(words.map { ($0.lowercased(), 1) }, uniquingKeysWith: +)
        let rare = wordCounts.filter { $0.value == 1 && $0.key.count >= 5 && $0.key.allSatisfy(\.isLetter) }.keys
            .sorted()
        let idParts = words.filter { $0.count >= 12 && $0.filter(\.isNumber).count >= 6 }.map { token in
            String(token.dropFirst(token.count / 2 - 4).prefix(8))
        }
        return [
            QueryClass(
                name: "newest page, no filter",
                paths: (0..<count).map { "/api/v1/logs?end=\((lastMicroseconds - Int64($0) * 1000) / 1000 + 1)" }),
            QueryClass(name: "service + level + 1 h", paths: Self.cycle(serviceLevel, count)),
            QueryClass(name: "rare word", paths: Self.cycle(rare.map { "/api/v1/logs?q=\(Self.encode($0))" }, count)),
            QueryClass(
                name: "phrase", paths: Self.cycle(phrases().map { "/api/v1/logs?q=\(Self.encode("\"\($0)\""))" }, count)
            ),
            QueryClass(
                name: "substring of an ID",
                paths: Self.cycle(Array(Set(idParts)).sorted().map { "/api/v1/logs?q=\($0)" }, count)),
            QueryClass(
                name: "attributes.user_id:value",
                paths: Self.cycle(
                    values("attributes", "user_id").map { "/api/v1/logs?q=attributes.user_id:\($0)" }, count)),
            QueryClass(name: "get by id", paths: Self.cycle(values("id").map { "/api/v1/logs/\($0)" }, count)),
            QueryClass(
                name: "correlation story",
                paths: Self.cycle(values("correlation_id").map { "/api/v1/correlations/\($0)" }, count)),
            QueryClass(
                name: "trace id", paths: Self.cycle(values("trace_id").map { "/api/v1/correlations/\($0)" }, count)),
            QueryClass(
                name: "count by level, 24 h",
                paths: (0..<count).map { index in
                    let end = lastMicroseconds - Int64(index) * 1_000_000
                    return "/api/v1/stats?start=\((end - 24 * hour) / 1000)&end=\(end / 1000 + 1)"
                }),
            QueryClass(name: "matches nothing", paths: (0..<count).map { "/api/v1/logs?q=zqxv\($0)nothing" }),
        ] + toNow(count: count) + analytics(count: count)
    }

    /// The stats of the 24 hours up to now, the range a live count asks for, each request ending a
    /// millisecond earlier than the last; only for a workload loaded to end now (`--ending-now`),
    /// whose newest record is less than an hour old.
    private func toNow(count: Int) -> [QueryClass] {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        guard now - lastMicroseconds / 1000 < 3_600_000 else { return [] }
        return [
            QueryClass(
                name: "count by level, 24 h to now",
                paths: (0..<Int64(count)).map { "/api/v1/stats?start=\(now - $0 - 86_400_000)&end=\(now - $0)" })
        ]
    }

    /// The analytics routes over the newest 24 hours and over 30 days (more than the workload
    /// holds), each request ending a second earlier than the last.
    private func analytics(count: Int) -> [QueryClass] {
        let routes = [
            ("histogram by level", "histogram?by=level"), ("group-by service + level", "group-by?fields=service,level"),
            ("endpoints", "endpoints?limit=20"),
        ]
        return [(24, "24 h"), (720, "30 days")].flatMap { hours, span in
            routes.map { name, route in
                QueryClass(
                    name: "\(name), \(span)",
                    paths: (0..<count).map { index in
                        let end = lastMicroseconds - Int64(index) * 1_000_000
                        let start = end - Int64(hours) * 3_600_000_000
                        return "/api/v1/analytics/\(route)&start=\(start / 1000)&end=\(end / 1000 + 1)"
                    })
            }
        }
    }

    private func values(_ field: String, _ nested: String? = nil) -> [String] {
        let found = records.compactMap { record -> String? in
            guard let nested else { return record[field] as? String }
            return (record[field] as? [String: Any])?[nested] as? String
        }
        return Array(Set(found)).sorted()
    }

    private func messageTokens() -> [String] {
        records.compactMap { $0["message"] as? String }.flatMap {
            $0.split { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }.map(String.init)
        }
    }

    /// Two consecutive words of a message.
    private func phrases() -> [String] {
        let pairs = records.compactMap { $0["message"] as? String }.compactMap { message -> String? in
            let words = message.split(separator: " ")
            let isWord = { (word: Substring) in word.count >= 3 && word.allSatisfy(\.isLetter) }
            return zip(words, words.dropFirst()).first { isWord($0) && isWord($1) }.map { $0 + " " + $1 }
        }
        return Array(Set(pairs)).sorted()
    }

    /// `count` paths from `paths`, repeating them only when there are fewer.
    private static func cycle(_ paths: [String], _ count: Int) -> [String] {
        guard !paths.isEmpty else { return [] }
        var random = SeededGenerator(seed: 7)
        let shuffled = paths.shuffled(using: &random)
        return (0..<count).map { shuffled[$0 % shuffled.count] }
    }

    private static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }

    private static func microseconds(_ text: String) -> Int64? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text).map { Int64(($0.timeIntervalSince1970 * 1e6).rounded()) }
    }
}
