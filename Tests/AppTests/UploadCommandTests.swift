import Foundation
import Testing

/// `logsmith upload` against a running server: both shared access logs under a pseudo-terminal (the
/// progress bar), and an upload killed halfway and run again, which must store no line twice.
@Suite("logsmith upload", .serialized)
struct UploadCommandTests {
    @Test("both access logs upload with a progress bar on a terminal; counts match")
    func accessLogsUnderTerminal() async throws {
        try await withTemporaryDirectory { directory in
            let server = try await ServerProcess(dataDirectory: directory, environment: Self.environment)
            defer { server.terminate() }
            let output = directory + "-upload.out"
            defer { try? FileManager.default.removeItem(atPath: output) }
            try await bash(
                #"script -qfec "$1 upload testdata/access/nginx_access.log testdata/access/apache_access.log --url http://127.0.0.1:$2" /dev/null > "$3""#,
                [try ServerProcess.binaryPath(), String(server.port), output])
            let text = try String(contentsOfFile: output, encoding: .utf8)
            #expect(text.contains("lines/s"))
            #expect(text.contains("\u{1B}[K["))
            #expect(text.contains("nginx_access.log: 29479 lines (access), 29479 accepted, 0 rejected"))
            #expect(text.contains("apache_access.log: 10000 lines (access), 9999 accepted, 1 rejected"))
            #expect(text.contains("line 8899: expected the user agent"))
            #expect(try await Self.count("log.file.name:nginx_access.log", port: server.port, in: directory) == 29_479)
            #expect(try await Self.count("log.file.name:apache_access.log", port: server.port, in: directory) == 9_999)
        }
    }

    @Test("an upload killed halfway and run again stores every line once")
    func killedUploadResumes() async throws {
        try await withTemporaryDirectory { directory in
            let server = try await ServerProcess(dataDirectory: directory, environment: Self.environment)
            defer { server.terminate() }
            let file = directory + "-big.log"
            let output = directory + "-upload.out"
            defer {
                try? FileManager.default.removeItem(atPath: file)
                try? FileManager.default.removeItem(atPath: output)
            }
            try await bash(#"for i in 1 2 3; do cat testdata/access/nginx_access.log; done > "$1""#, [file])
            let binary = try ServerProcess.binaryPath()
            let name = URL(fileURLWithPath: file).lastPathComponent
            try await bash(
                #"""
                "$1" upload "$2" --url "http://127.0.0.1:$3" > /dev/null 2>&1 &
                sender=$!
                for _ in $(seq 600); do
                    total=$(curl -sf "http://127.0.0.1:$3/api/v1/stats?q=log.file.name:$4" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
                    [ "$total" -gt 0 ] && break
                    sleep 0.05
                done
                kill -9 "$sender"
                wait "$sender" 2>/dev/null || true
                "$1" upload "$2" --url "http://127.0.0.1:$3" > "$5" 2>&1
                """#, [binary, file, String(server.port), name, output])
            let stored = try await Self.count("log.file.name:\(name)", port: server.port, in: directory)
            let text = try String(contentsOfFile: output, encoding: .utf8)
            #expect(stored == 3 * 29_479, "\(text)")
            #expect(text.contains("resuming after line"), "the first run was not cut short: \(text)")
        }
    }

    static let environment = [
        "LOGSMITH_AUTH": "off", "LOGSMITH_LIMIT_INGEST_RECORDS": "0",
        "LOGSMITH_LIMIT_INGEST_BYTES": "0", "LOGSMITH_LIMIT_SEARCH": "0",
    ]

    /// The count of records matching a query, through `GET /api/v1/stats`.
    static func count(_ query: String, port: Int, in directory: String) async throws -> Int {
        let output = directory + "-count.json"
        defer { try? FileManager.default.removeItem(atPath: output) }
        try await bash(
            #"curl -sfG "http://127.0.0.1:$1/api/v1/stats" --data-urlencode "q=$2" > "$3""#,
            [String(port), query, output])
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output)))
        return (object as? [String: Any])?["total"] as? Int ?? -1
    }
}
