import Foundation
import TestSupport
import Testing

/// A `redis-server` of the test's own on a free loopback port, which the test may kill and restart.
/// One test drives it at a time, so it may cross into the test's closures.
final class RedisProcess: @unchecked Sendable {
    let port: Int
    private var process: ChildProcess?

    init() throws {
        port = try Self.freePort()
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
            if Self.accepts(port) { return }
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

    private static func accepts(_ port: Int) -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = loopback(port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    private static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = loopback(0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0
            }
        }
        guard bound else { throw RedisDidNotStart() }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func loopback(_ port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}
