import Foundation
import TestSupport
import Testing

/// The built `logsmith` binary running as a child process, for tests that must kill it.
final class ServerProcess {
    let process: ChildProcess
    let outputPath: String
    private(set) var port = 0

    /// What every server gets unless the test says otherwise: records dated up to 100 years back
    /// accepted and kept, as in `testConfiguration`, so that its retention job never drops the
    /// fixed-date records other tests keep in the shared test database.
    static let testDefaults = ["LOGSMITH_RETENTION_DAYS": "36500"]

    /// Starts `logsmith serve --port 0` with the given data directory and environment (over
    /// ``testDefaults``), and waits until its "server started" log line says which port it got. Its
    /// output and errors go to a file beside the data directory, or in `outputDirectory`.
    init(dataDirectory: String, environment: [String: String], outputDirectory: String? = nil) async throws {
        outputPath =
            outputDirectory.map { $0 + "/server-\(UUID().uuidString).log" }
            ?? dataDirectory + "-server-\(UUID().uuidString).log"
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        defer { try? output.close() }
        process = try ChildProcess(
            try Self.binaryPath(), ["serve", "--port", "0", "--data-dir", dataDirectory],
            environment: ProcessInfo.processInfo.environment.merging(Self.testDefaults) { $1 }.merging(environment) {
                $1
            },
            output: output,
            error: output)
        port = try await waitForPort()
    }

    deinit {
        process.signal(SIGTERM)
        try? FileManager.default.removeItem(atPath: outputPath)
    }

    /// Kills the process with SIGKILL and waits for it to be gone.
    func kill() {
        process.signal(SIGKILL)
        process.waitUntilExit()
    }

    /// Stops the process with SIGTERM (graceful shutdown) and waits for it to exit. A graceful
    /// shutdown must end: a server still running 30 s later is killed and the test records an issue.
    func terminate() {
        process.signal(SIGTERM)
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        guard process.isRunning else { return }
        kill()
        Issue.record("the server was still running 30 s after SIGTERM")
    }

    /// The `server.port` of the first log line with this message whose `key` is `value` (the syslog
    /// listeners' "syslog listening" lines, say), or nil.
    func loggedPort(_ message: String, _ key: String, _ value: String) -> Int? {
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                object["message"] as? String == message, object[key] as? String == value
            else { continue }
            return (object["server.port"] as? String).flatMap(Int.init)
        }
        return nil
    }

    private func waitForPort() async throws -> Int {
        for _ in 0..<600 {
            let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            for line in text.split(separator: "\n") {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                    object["message"] as? String == "server started",
                    let port = (object["server.port"] as? String).flatMap(Int.init)
                else { continue }
                return port
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ServerDidNotStart(output: (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "")
    }

    /// The binary `scripts/test` names in `LOGSMITH_BIN`, else the debug build next to the sources.
    static func binaryPath() throws -> String {
        if let path = ProcessInfo.processInfo.environment["LOGSMITH_BIN"] { return path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/logsmith").path
    }

    struct ServerDidNotStart: Error, CustomStringConvertible {
        var output: String
        var description: String { "logsmith did not report a port; its output:\n\(output)" }
    }
}

/// Runs the built binary with arguments and standard input, without a database URL; returns its
/// exit status and standard output.
func runLogsmith(_ arguments: [String], input: String = "") throws -> (status: Int32, output: String) {
    let stdin = Pipe()
    let stdout = Pipe()
    let process = try ChildProcess(
        try ServerProcess.binaryPath(), arguments,
        environment: ProcessInfo.processInfo.environment.merging(["LOGSMITH_DATABASE_URL": ""]) { $1 },
        input: stdin.fileHandleForReading, output: stdout.fileHandleForWriting)
    try stdin.fileHandleForReading.close()
    try stdout.fileHandleForWriting.close()
    stdin.fileHandleForWriting.write(Data(input.utf8))
    try stdin.fileHandleForWriting.close()
    let output = stdout.fileHandleForReading.readDataToEndOfFile()
    return (process.waitUntilExit(), String(decoding: output, as: UTF8.self))
}

/// Runs `body` with the built binary serving the store of `kind` (SQLite in a temporary directory,
/// or the test PostgreSQL) without search limits, and without authentication unless asked: for the
/// tests that drive a real shipper against a server process of its own (a client with timeouts
/// fails when tests that block cooperative threads starve a server inside the test process).
/// `body` gets the server and the temporary directory, which holds its data.
func withServerProcess(
    on kind: StoreKind, authentication: Bool = false, _ body: (ServerProcess, String) async throws -> Void
) async throws {
    try await withTemporaryDirectory { directory in
        let environment = [
            "LOGSMITH_DATABASE_URL": kind == .postgres ? try testDatabaseURL() : "",
            "LOGSMITH_AUTH": authentication ? "on" : "off", "LOGSMITH_LIMIT_SEARCH": "0",
        ]
        let server = try await ServerProcess(dataDirectory: directory, environment: environment)
        defer { server.terminate() }
        try await body(server, directory)
    }
}
