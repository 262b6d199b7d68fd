import Foundation
import TestSupport
import Testing

/// A `redis-server` of the test's own on a free loopback port, which the test may kill and restart.
/// One test drives it at a time, so it may cross into the test's closures.
final class RedisProcess: @unchecked Sendable {
    let port: Int
    private var process: ChildProcess?

    init() throws {
        port = try LoopbackPort.free()
        try start()
    }

    deinit {
        kill()
    }

    var url: String { "redis://127.0.0.1:\(port)/0" }

    /// Starts (or restarts) the server on the same port and waits until it accepts connections.
    func start() throws {
        self.process = try ChildProcess(
            "redis-server", ["--bind", "127.0.0.1", "--port", "\(port)", "--save", "", "--appendonly", "no"],
            output: FileHandle(forWritingAtPath: "/dev/null"))
        for _ in 0..<100 {
            if LoopbackPort.accepts(port) { return }
            usleep(50_000)
        }
        throw RedisDidNotStart()
    }

    /// Kills the server with SIGKILL and waits for it to be gone.
    func kill() {
        guard let process, process.isRunning else { return }
        process.signal(SIGKILL)
        process.waitUntilExit()
    }

    struct RedisDidNotStart: Error {}
}
