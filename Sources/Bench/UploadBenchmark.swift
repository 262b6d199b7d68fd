import ArgumentParser
import AsyncHTTPClient
import Foundation
import LogModel
import NIOCore
import NIOHTTP1
import Parsing

/// `logsmith-bench upload`: the same access log into a fresh server two ways, for the ratio of
/// text upload to JSON ingest: `--mode upload` streams the file to `POST /api/v1/upload` in one
/// request; `--mode json` parses every line here (the same parser the server uses, so the records
/// are the same) and sends them as NDJSON batches to `POST /api/v1/logs`. Prints one JSON line:
/// lines, seconds, lines/s, MB/s of text, and the server's peak RSS and CPU.
struct UploadBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upload", abstract: "Measure text upload against JSON ingest of the same lines.")

    enum Mode: String, ExpressibleByArgument, CaseIterable {
        case upload
        case json
    }

    @OptionGroup var server: ServerOptions
    @Option(help: "An access log to send.") var file: String
    @Option(help: "upload (the raw file) or json (its records as NDJSON).") var mode = Mode.upload
    @Option(help: "Records per request in json mode.") var batch = 1000
    @Option(help: "Concurrent clients in json mode.") var concurrency = 4
    @Option(help: "The server's process ID, to report its peak RSS and CPU.") var serverPid: Int32?

    func run() async throws {
        let attributes = try FileManager.default.attributesOfItem(atPath: file)
        let size = attributes[.size] as? Int ?? 0
        let sampler = serverPid.flatMap(ServerSampler.init(pid:))
        let lines: Int
        let start = ContinuousClock.now
        switch mode {
        case .upload: lines = try await upload(size: size)
        case .json: lines = try await sendJSON(sampler: sampler)
        }
        let seconds = (ContinuousClock.now - start) / .seconds(1)
        var summary: [String: Any] = [
            "mode": mode.rawValue, "lines": lines, "seconds": seconds, "lines_per_second": Double(lines) / seconds,
            "text_megabytes_per_second": Double(size) / 1_000_000 / seconds, "text_bytes": size,
        ]
        if let sampler { summary.merge(await sampler.finish()) { $1 } }
        let json = try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys])
        print(String(decoding: json, as: UTF8.self))
    }

    /// Streams the file in one request; returns the records the server accepted.
    private func upload(size: Int) async throws -> Int {
        var request = server.target.request("/api/v1/upload?format=nginx")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "text/plain")
        guard let handle = FileHandle(forReadingAtPath: file) else { throw ValidationError("cannot read \(file)") }
        request.body = .stream(FileBuffers(handle: handle), length: .known(Int64(size)))
        let response = try await HTTPClient.bench.execute(request, timeout: .hours(2))
        let body = try await response.body.collect(upTo: 1 << 20)
        let object = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
        guard response.status == .ok, let accepted = object?["accepted"] as? Int else {
            throw ValidationError("upload failed: \(response.status.code) \(String(buffer: body).prefix(300))")
        }
        return accepted
    }

    /// Sends the file's records as NDJSON batches; returns the records the server accepted.
    private func sendJSON(sampler: ServerSampler?) async throws -> Int {
        let text = try String(contentsOfFile: file, encoding: .utf8)
        var bodies: [(bytes: ByteBuffer, records: Int)] = []
        var pending: [String] = []
        for line in text.split(separator: "\n") {
            guard case .success(let parsed) = AccessLogParser.parse(String(line)) else { continue }
            pending.append(parsed.object.jsonText)
            if pending.count == batch {
                bodies.append((ByteBuffer(string: pending.joined(separator: "\n")), pending.count))
                pending = []
            }
        }
        if !pending.isEmpty { bodies.append((ByteBuffer(string: pending.joined(separator: "\n")), pending.count)) }
        let target = server.target
        let frozen = bodies
        let results = try await Clients.run(
            concurrency: concurrency, items: frozen.count, deadline: .now + .seconds(7200)
        ) { index in
            try await target.ingest(frozen[index].bytes, records: frozen[index].records, timeout: .seconds(120))
        }
        guard results.allSatisfy({ $0.errors == 0 }) else { throw ValidationError("some JSON requests failed") }
        return results.reduce(0) { $0 + $1.records }
    }
}

/// A file as an async sequence of 256 KiB buffers.
private struct FileBuffers: AsyncSequence, Sendable {
    let handle: FileHandle

    func makeAsyncIterator() -> Iterator { Iterator(handle: handle) }

    struct Iterator: AsyncIteratorProtocol {
        let handle: FileHandle

        mutating func next() async throws -> ByteBuffer? {
            guard let data = try handle.read(upToCount: 256 * 1024), !data.isEmpty else { return nil }
            return ByteBuffer(bytes: data)
        }
    }
}
