import Foundation
import Glibc
import HummingbirdTesting
import Testing

@testable import App

/// Connections that never finish a request are closed.
@Suite("Connection timeouts")
struct ConnectionTimeoutTests {
    /// A blocking TCP connection to the loopback port, for clients that misbehave on purpose.
    final class RawConnection: Sendable {
        let descriptor: Int32

        init(port: Int) throws {
            descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            try #require(connected == 0, "cannot connect to 127.0.0.1:\(port)")
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }

        func send(_ text: String) {
            _ = text.withCString { Glibc.send(descriptor, $0, strlen($0), 0) }
        }

        /// What the server sends until it closes the connection, or nil when it stays open for 10 s.
        /// The blocking reads run on a Dispatch thread, never on one of the few cooperative threads.
        func readUntilClosed() async -> String? {
            await withCheckedContinuation { continuation in
                DispatchQueue.global().async { [descriptor] in
                    var received: [UInt8] = []
                    var buffer = [UInt8](repeating: 0, count: 4096)
                    while true {
                        let count = recv(descriptor, &buffer, buffer.count, 0)
                        if count < 0 { return continuation.resume(returning: nil) }
                        if count == 0 {
                            return continuation.resume(returning: String(decoding: received, as: UTF8.self))
                        }
                        received += buffer[0..<count]
                    }
                }
            }
        }

        deinit { close(descriptor) }
    }

    @Test("a connection that trickles its headers, or sends nothing, is closed after the idle timeout")
    func slowHeaders_closed() async throws {
        try await withLiveApp(configure: { $0.httpIdleTimeoutSeconds = 1 }) { client in
            let port = try #require(client.port)
            let silent = try RawConnection(port: port)
            let slow = try RawConnection(port: port)
            slow.send("GET /health HTTP/1.1\r\nHost: x\r\n")
            #expect(await silent.readUntilClosed() == "")
            #expect(await slow.readUntilClosed() == "")
        }
    }
}

extension ConnectionTimeoutTests {
    @Test(
        "a body in a broken chunked encoding is a 400 problem, not a 500",
        arguments: [("xchunked", "5"), ("chunked", "FFFFFFFFFFFFFFFFFF"), ("chunked", "zz")])
    func brokenChunkedBody_400(encoding: String, chunkSize: String) async throws {
        try await withLiveApp(configure: { _ in }) { client in
            let connection = try RawConnection(port: try #require(client.port))
            connection.send(
                "POST /api/v1/logs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: \(encoding)\r\n\r\n\(chunkSize)\r\nhello\r\n0\r\n\r\n")
            let answer = try #require(await connection.readUntilClosed())
            #expect(answer.hasPrefix("HTTP/1.1 400"), "\(answer.prefix(80))")
            #expect(answer.contains("application/problem+json"))
        }
    }
}

/// Runs `body` against the application served on a loopback port (SQLite in a fresh directory).
private func withLiveApp(
    configure: (inout AppConfiguration) -> Void,
    _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void
) async throws {
    try await withTemporaryDirectory { directory in
        var configuration = try testConfiguration(.sqlite, dataDirectory: directory)
        configure(&configuration)
        let app = try await buildApplication(configuration, logger: quietLogger)
        try await app.test(.live, body)
    }
}
