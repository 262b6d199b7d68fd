import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Sends one file to the upload route, resuming where the server says it got to after a retryable
/// failure, and describes the server's answer in one line. A 409 (the server is still reading an
/// earlier attempt of the same upload) is waited out for up to ten minutes.
struct UploadSender {
    let client: HTTPClient
    let baseURL: String
    let key: String?
    let parameters: [(String, String)]
    /// Attempts after the first.
    let retries = 5

    /// Sends the file; returns the summary line.
    func send(_ file: String, uploadID: String, resume: Bool) async throws -> String {
        var skipLines = resume && file != "-" ? try await committedLines(uploadID) : 0
        if skipLines > 0 { FileHandle.standardError.write(Data("\(file): resuming after line \(skipLines)\n".utf8)) }
        let size = file == "-" ? nil : try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int
        var attempt = 0
        var conflicts = 0
        while true {
            let counter = TransferCounter()
            let display = ProgressDisplay(counter: counter, totalBytes: size)
            let result: Result<(HTTPResponseStatus, HTTPHeaders, [String: Any]), any Error>
            do {
                result = .success(
                    try await post(file, size: size, uploadID: uploadID, skipLines: skipLines, counter: counter))
            } catch {
                result = .failure(error)
            }
            display.stop()
            let canRetry = attempt < retries && file != "-"
            attempt += 1
            switch result {
            case .success(let (status, _, body)) where status == .ok:
                return Self.summary(body)
            case .success(let (status, _, _)) where status == .conflict && conflicts < 600:
                conflicts += 1
                attempt -= 1
                try await Task.sleep(for: .seconds(1))
                skipLines = (try? await committedLines(uploadID)) ?? skipLines
            case .success(let (status, headers, body)):
                let detail = body["detail"] as? String ?? "HTTP \(status.code)"
                guard canRetry, status == .tooManyRequests || status == .serviceUnavailable else {
                    throw CLIError("\(status.code) \(detail)")
                }
                skipLines = body["committed_lines"] as? Int ?? skipLines
                let wait = headers.first(name: "Retry-After").flatMap(Int.init) ?? 1
                FileHandle.standardError.write(Data("\(file): \(detail); retrying in \(wait) s\n".utf8))
                try await Task.sleep(for: .seconds(min(max(wait, 1), 60)))
            case .failure(let error):
                guard canRetry, !(error is CLIError), !(error is CancellationError) else { throw error }
                FileHandle.standardError.write(Data("\(file): \(error); retrying in 1 s\n".utf8))
                try await Task.sleep(for: .seconds(1))
                skipLines = (try? await committedLines(uploadID)) ?? skipLines
            }
        }
    }

    private func post(_ file: String, size: Int?, uploadID: String, skipLines: Int, counter: TransferCounter)
        async throws
        -> (HTTPResponseStatus, HTTPHeaders, [String: Any])
    {
        var query = URLComponents()
        query.queryItems = (parameters + [("upload_id", uploadID), ("skip_lines", String(skipLines))]).map {
            URLQueryItem(name: $0.0, value: $0.1)
        }
        var request = HTTPClientRequest(url: "\(baseURL)/api/v1/upload?\(query.percentEncodedQuery ?? "")")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "text/plain")
        if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        request.body = .stream(
            FileChunks(path: file, counter: counter), length: size.map { .known(Int64($0)) } ?? .unknown)
        let response = try await client.execute(request, timeout: .hours(24))
        let body = try await response.body.collect(upTo: 1 << 20)
        let object = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any]
        return (response.status, response.headers, object ?? [:])
    }

    /// Lines of the upload the server already holds.
    private func committedLines(_ uploadID: String) async throws -> Int {
        var request = HTTPClientRequest(url: "\(baseURL)/api/v1/uploads/\(uploadID)")
        if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        let response = try await client.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 16)
        let object = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any]
        guard response.status == .ok, let lines = object?["committed_lines"] as? Int else {
            throw CLIError(
                "\(response.status.code) \(object?["detail"] as? String ?? "cannot read the upload's progress")")
        }
        return lines
    }

    /// `29479 lines, 29479 accepted, 0 rejected in 2.1 s`, then up to five rejected lines.
    static func summary(_ body: [String: Any]) -> String {
        let number = { (key: String) in body[key] as? Int ?? 0 }
        let seconds = (body["duration_ms"] as? Double ?? 0) / 1000
        var text =
            "\(number("lines")) lines (\(body["format"] as? String ?? "?")), \(number("accepted")) accepted, "
            + "\(number("rejected")) rejected in \(String(format: "%.1f", seconds)) s"
        if number("skipped_lines") > 0 { text += ", \(number("skipped_lines")) already stored" }
        for rejection in (body["rejections"] as? [[String: Any]] ?? []).prefix(5) {
            text += "\n  line \(rejection["line"] as? Int ?? 0): \(rejection["reason"] as? String ?? "")"
        }
        return text
    }
}
