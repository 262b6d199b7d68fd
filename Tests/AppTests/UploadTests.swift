import CompressNIO
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import App

/// `POST /api/v1/upload` with the shared access logs and LogHub files, and with bad input.
@Suite("Upload")
struct UploadTests {
    static func file(_ path: String) throws -> ByteBuffer {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return ByteBuffer(bytes: try Data(contentsOf: root.appendingPathComponent("testdata/\(path)")))
    }

    @Test(
        "both shared access logs: every line counted, the one malformed line named, columns searchable",
        arguments: StoreKind.allCases)
    func accessLogs(kind: StoreKind) async throws {
        let service = "upload-\(UUID().uuidString.prefix(8).lowercased())"
        let nginx = try Self.file("access/nginx_access.log")
        let apache = try Self.file("access/apache_access.log")
        let serverErrors = try Self.count(in: [nginx, apache]) { $0 >= 500 }
        try await withApp(kind) { client in
            let first = try await client.upload(nginx, query: "format=nginx&service=\(service)")
            #expect(first.status == .ok)
            let nginxSummary = try first.json()
            #expect(nginxSummary["accepted"] as? Int == 29_479)
            #expect(nginxSummary["rejected"] as? Int == 0)
            #expect(nginxSummary["format"] as? String == "access")
            let second = try await client.upload(apache, query: "service=\(service)")
            let apacheSummary = try second.json()
            #expect(apacheSummary["format"] as? String == "access")
            #expect(apacheSummary["lines"] as? Int == 10_000)
            #expect(apacheSummary["accepted"] as? Int == 9_999)
            let rejections = try #require(apacheSummary["rejections"] as? [[String: Any]])
            #expect(rejections.map { $0["line"] as? Int } == [8_899])
            #expect(apacheSummary["committed_lines"] as? Int == 10_000)
            let stats = try await client.get("/api/v1/stats?q=\(encoded("service:\(service) http.status:>=500"))")
            #expect(try stats.json()["total"] as? Int == serverErrors)
            let downloads = try await client.get(
                "/api/v1/stats?q=\(encoded("service:\(service) http.path:/downloads/* http.method:GET"))")
            #expect(
                try downloads.json()["total"] as? Int
                    == (try Self.lines(in: [nginx, apache]) {
                        $0.contains("\"GET /downloads/")
                    }))
        }
    }

    @Test("gzip bodies, stack traces joined, skip_lines and upload progress")
    func gzipMultilineResume() async throws {
        let text = [
            "2026-12-01 10:00:00,000 INFO starting", "2026-12-01 10:00:01,000 ERROR failed", "java.io.IOException: x",
            "\tat a.b.C.d(C.java:1)", "2026-12-01 10:00:02,000 WARN slow", "2026-12-01 10:00:03,000 INFO done",
        ].joined(separator: "\n")
        var plain = ByteBuffer(string: text)
        let gzip = try plain.compress(with: .gzip())
        try await withApp { client in
            let whole = try await client.upload(gzip, query: "upload_id=u-1&file_name=app.log")
            let summary = try whole.json()
            #expect(summary["accepted"] as? Int == 5)
            #expect(summary["lines"] as? Int == 6)
            #expect(summary["format"] as? String == "plain")
            let progress = try await client.get("/api/v1/uploads/u-1")
            #expect(try progress.json()["committed_lines"] as? Int == 6)
            let trace = try await client.get("/api/v1/logs?q=\(encoded("\"IOException\" upload.id:u-1"))")
            let record = try #require((try trace.json()["logs"] as? [[String: Any]])?.first)
            #expect(record["message"] as? String == "java.io.IOException: x\n\tat a.b.C.d(C.java:1)")
            let attributes = try #require(record["attributes"] as? [String: Any])
            #expect(attributes["upload.line"] as? Int == 4)
            #expect(attributes["log.file.name"] as? String == "app.log")
            let resumed = try await client.execute(
                uri: "/api/v1/upload?skip_lines=4&upload_id=u-2", method: .post,
                headers: [.contentEncoding: "gzip", .contentType: "text/plain"], body: gzip)
            let resumedSummary = try resumed.json()
            #expect(resumedSummary["skipped_lines"] as? Int == 4)
            #expect(resumedSummary["accepted"] as? Int == 2)
            let again = try await client.upload(gzip, query: "upload_id=u-1")
            #expect(try again.json()["skipped_lines"] as? Int == 6)
            #expect(try again.json()["accepted"] as? Int == 0)
        }
    }

    @Test("bad input: garbage, long lines and invalid UTF-8 are rejected by line; bad requests are 4xx problems")
    func badInput() async throws {
        var body = ByteBuffer()
        body.writeBytes((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) })
        body.writeString("\nok line\n")
        body.writeBytes([0xFF, 0xFE, 0x41, 0x0A])
        body.writeString(String(repeating: "x", count: 1_048_576) + "\nlast\n")
        let garbage = body
        try await withApp { client in
            let response = try await client.upload(garbage, query: "format=plain")
            #expect(response.status == .ok)
            let summary = try response.json()
            let reasons = (summary["rejections"] as? [[String: Any]] ?? []).compactMap { $0["reason"] as? String }
            #expect(reasons.contains { $0.contains("longer than") })
            #expect(reasons.contains { $0.contains("UTF-8") })
            #expect((summary["accepted"] as? Int ?? 0) >= 2)
            for (query, parameter) in [
                ("format=yaml", "format"), ("skip_lines=-1", "skip_lines"), ("upload_id=a%20b", "upload_id"),
                ("multiline=maybe", "multiline"), ("colour=red", "colour"), ("service=", "service"),
                ("host=\(String(repeating: "h", count: 300))", "host"), ("file_name=", "file_name"),
            ] {
                let refused = try await client.upload(ByteBuffer(string: "x"), query: query)
                #expect(refused.status == .badRequest, "\(query)")
                #expect(refused.headers[.contentType] == "application/problem+json")
                #expect(String(buffer: refused.body).contains(parameter), "\(query)")
            }
            let badGzip = try await client.execute(
                uri: "/api/v1/upload", method: .post, headers: [.contentEncoding: "gzip"],
                body: ByteBuffer(bytes: [0x1F, 0x8B, 0x08, 0x00, 0x01, 0x02, 0x03]))
            #expect(badGzip.status == .badRequest)
            let brotli = try await client.execute(
                uri: "/api/v1/upload", method: .post, headers: [.contentEncoding: "br"], body: ByteBuffer(string: "x"))
            #expect(brotli.status == .unsupportedMediaType)
            let unknownUpload = try await client.get("/api/v1/uploads/not%20an%20id")
            #expect(unknownUpload.status == .notFound)
            #expect(try await client.get("/api/v1/uploads/never-sent").json()["committed_lines"] as? Int == 0)
            let form = try await client.execute(
                uri: "/api/v1/upload", method: .post, headers: [.contentType: "multipart/form-data; boundary=x"],
                body: ByteBuffer(string: "x"))
            #expect(form.status == .unsupportedMediaType)
        }
    }

    @Test("text past LOGSMITH_MAX_UPLOAD_BYTES is a 413 that says how many lines are committed")
    func uploadLimit() async throws {
        let body = ByteBuffer(string: String(repeating: "a line of text\n", count: 300))
        try await withApp(configure: { $0.maxUploadBytes = 1024 }) { client in
            let response = try await client.upload(body, query: "format=plain")
            #expect(response.status == .contentTooLarge)
            #expect(try response.json()["committed_lines"] as? Int == 0)
        }
    }

    /// Lines of access logs whose status satisfies `holds`, counted here from the raw text.
    static func count(in files: [ByteBuffer], status holds: (Int) -> Bool) throws -> Int {
        try lines(in: files) { line in
            let afterRequest = line.split(separator: "\"", omittingEmptySubsequences: false)
            guard afterRequest.count > 2, let status = Int(afterRequest[2].split(separator: " ").first ?? "") else {
                return false
            }
            return holds(status) && afterRequest.count >= 6
        }
    }

    static func lines(in files: [ByteBuffer], where holds: (String) -> Bool) throws -> Int {
        files.reduce(0) { total, file in
            total + String(buffer: file).split(separator: "\n").count { holds(String($0)) }
        }
    }
}

extension TestClientProtocol {
    /// POSTs a file to the upload route.
    func upload(_ body: ByteBuffer, query: String = "") async throws -> TestResponse {
        try await execute(
            uri: "/api/v1/upload" + (query.isEmpty ? "" : "?" + query), method: .post,
            headers: [.contentType: "text/plain"], body: body)
    }
}
