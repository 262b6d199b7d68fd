import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Parsing

/// `logsmith tail --url URL --key KEY 'query'`: prints the records matching a query as they are
/// committed (`GET /api/v1/tail`), one line each, coloured by level on a terminal.
///
/// When the connection drops, the command reconnects after a second with the last event's ID, so
/// it continues where it stopped; 429 and 503 answers are retried after their `Retry-After`. Any
/// other problem ends the command with its detail.
struct TailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail", abstract: "Print new records matching a query as they arrive (live tail).")

    @Argument(help: "A query in the search language; empty for every record.") var query = ""
    @Option(help: "The server's base URL.") var url = "http://127.0.0.1:8080"
    @Option(help: "An API key with read scope (or LOGSMITH_API_KEY).") var key: String?
    @Option(help: "Start with the records from this time (like now-5m, or RFC 3339).") var since: String?

    func run() async throws {
        let key = key ?? ProcessInfo.processInfo.environment["LOGSMITH_API_KEY"]
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(timeout: .init(connect: .seconds(10), read: .seconds(60))))
        defer { _ = client.shutdown() }
        let printer = TailPrinter(colour: isatty(STDOUT_FILENO) == 1)
        var lastEventID: String?
        while true {
            var request = HTTPClientRequest(url: tailURL(since: lastEventID == nil ? since : nil))
            if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
            if let lastEventID { request.headers.add(name: "Last-Event-ID", value: lastEventID) }
            request.headers.add(name: "Accept", value: "text/event-stream")
            var wait = 1
            do {
                let response = try await client.execute(request, deadline: .distantFuture)
                guard response.status == .ok else {
                    let body = try await response.body.collect(upTo: 64 * 1024)
                    let detail = Self.problemDetail(body) ?? "HTTP \(response.status.code)"
                    guard [.tooManyRequests, .serviceUnavailable].contains(response.status) else {
                        throw CLIError(detail)
                    }
                    wait = response.headers.first(name: "Retry-After").flatMap(Int.init) ?? 5
                    printer.note("\(detail); retrying in \(wait) s")
                    try await Task.sleep(for: .seconds(wait))
                    continue
                }
                var parser = ServerSentEventParser()
                for try await buffer in response.body {
                    for event in parser.feed(buffer.readableBytesView) {
                        lastEventID = event.lastEventID ?? lastEventID
                        printer.print(event)
                    }
                }
                printer.note("the server closed the stream; reconnecting")
            } catch let error as CLIError {
                FileHandle.standardError.write(Data("logsmith tail: \(error)\n".utf8))
                throw ExitCode.failure
            } catch {
                printer.note("connection lost (\(error)); reconnecting")
            }
            try await Task.sleep(for: .seconds(wait))
        }
    }

    private func tailURL(since: String?) -> String {
        var components = URLComponents(string: (url.hasSuffix("/") ? String(url.dropLast()) : url) + "/api/v1/tail")
        var items = [URLQueryItem(name: "q", value: query)]
        if let since { items.append(URLQueryItem(name: "since", value: since)) }
        components?.queryItems = items
        return components?.string ?? url
    }

    private static func problemDetail(_ body: ByteBuffer) -> String? {
        let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
        return object?["detail"] as? String
    }
}

/// Writes tail events: each record on one line (time, level, service, message), coloured by level
/// when `colour` is on; notes and dropped counts on standard error.
struct TailPrinter {
    var colour: Bool

    /// Prints the records of a `log` event, or the count of a `dropped` one.
    func print(_ event: ServerSentEvent) {
        switch event.type {
        case "log":
            guard let records = try? JSONSerialization.jsonObject(with: Data(event.data.utf8)) as? [[String: Any]]
            else { return }
            let lines = records.map(line(for:)).joined()
            FileHandle.standardOutput.write(Data(lines.utf8))
        case "dropped":
            let object = try? JSONSerialization.jsonObject(with: Data(event.data.utf8)) as? [String: Any]
            note("\(object?["count"] as? Int ?? 0) records skipped: the terminal read too slowly")
        default:
            break
        }
    }

    /// Writes a note on standard error.
    func note(_ text: String) {
        FileHandle.standardError.write(Data("logsmith tail: \(text)\n".utf8))
    }

    /// One record's line.
    func line(for record: [String: Any]) -> String {
        let level = record["level"] as? String ?? "INFO"
        let padded = level.padding(toLength: 5, withPad: " ", startingAt: 0)
        let service = (record["service"] as? String).map { " \($0):" } ?? ""
        let message = (record["message"] as? String ?? "").replacingOccurrences(of: "\n", with: "\n    ")
        let time = record["timestamp"] as? String ?? ""
        guard colour else { return "\(time) \(padded)\(service) \(message)\n" }
        let code =
            switch level {
            case "FATAL", "ERROR": "31"
            case "WARN": "33"
            case "INFO": "32"
            default: "90"
            }
        return "\u{1B}[2m\(time)\u{1B}[0m \u{1B}[\(code)m\(padded)\u{1B}[0m\(service) \(message)\n"
    }
}
