import ArgumentParser
import AsyncHTTPClient
import Crypto
import Foundation
import LogModel
import NIOCore
import NIOHTTP1

/// `logsmith upload FILE... --url URL --key KEY`: streams log files (or standard input, `-`) to
/// `POST /api/v1/upload`, with a live progress bar on a terminal and a summary line per file.
///
/// Each file is sent with an `upload_id` made from its name, size and first 64 KiB, so that when an
/// upload is cut short (the connection drops, the server restarts, the command is killed), sending
/// the same file again asks the server how far it got (`GET /api/v1/uploads/{id}`) and resumes
/// after that line (`skip_lines`): no line is stored twice. 429 and 503 answers are retried after
/// their `Retry-After`, five times at most; any other problem ends the command with its detail.
struct UploadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upload", abstract: "Upload log files (or - for standard input) to a Logsmith server.")

    @Argument(help: "Files to upload; - reads standard input.") var files: [String]
    @Option(help: "The server's base URL.") var url = "http://127.0.0.1:8080"
    @Option(help: "An API key with ingest scope (or LOGSMITH_API_KEY).") var key: String?
    @Option(help: "auto, nginx, apache, syslog, logfmt, jsonl or plain.") var format = "auto"
    @Option(help: "The service of records that name none.") var service: String?
    @Option(help: "The host of records that name none.") var host: String?
    @Flag(help: "Store every file again from its first line, as a new upload, even if it was uploaded before.")
    var restart = false

    func run() async throws {
        let key = key ?? ProcessInfo.processInfo.environment["LOGSMITH_API_KEY"]
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        var failure: (any Error)?
        for file in files {
            do {
                let sender = UploadSender(
                    client: client, baseURL: url.hasSuffix("/") ? String(url.dropLast()) : url, key: key,
                    parameters: parameters(for: file))
                let id =
                    try uploadID(for: file)
                    + (restart ? "-" + String(UInt32.random(in: 0...UInt32.max), radix: 36) : "")
                let summary = try await sender.send(file, uploadID: id, resume: !restart)
                print("\(file): \(summary)")
            } catch {
                FileHandle.standardError.write(Data("logsmith upload: \(file): \(error)\n".utf8))
                failure = error
            }
        }
        try await client.shutdown()
        if failure != nil { throw ExitCode.failure }
    }

    private func parameters(for file: String) -> [(String, String)] {
        var parameters = [("format", format)]
        if let service { parameters.append(("service", service)) }
        if let host { parameters.append(("host", host)) }
        if file != "-" { parameters.append(("file_name", URL(fileURLWithPath: file).lastPathComponent)) }
        return parameters
    }

    /// `f-` and 32 hex digits of the SHA-256 of the file's absolute path, size and first 64 KiB; a
    /// random ID for standard input, which cannot be sent again.
    private func uploadID(for file: String) throws -> String {
        guard file != "-" else { return "s-" + UUID().uuidString.lowercased() }
        guard let handle = FileHandle(forReadingAtPath: file) else { throw CLIError("cannot open the file") }
        defer { try? handle.close() }
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: 0)
        var hash = SHA256()
        hash.update(data: Data(URL(fileURLWithPath: file).standardizedFileURL.path.utf8))
        hash.update(data: Data("\n\(size)\n".utf8))
        hash.update(data: try handle.read(upToCount: 64 * 1024) ?? Data())
        return "f-" + Hex.encode(hash.finalize().prefix(16))
    }
}
