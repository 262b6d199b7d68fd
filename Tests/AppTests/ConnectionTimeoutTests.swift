import Foundation
import Glibc
import HummingbirdTesting
import Testing

@testable import App

/// Connections that never finish a request are closed.
@Suite("Connection timeouts")
struct ConnectionTimeoutTests {
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
