import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import App

/// Clients cannot hold the server's connections from the others, or hold one with a trickled body.
@Suite("Connection limits")
struct ConnectionLimitTests {
    @Test(
        "past the per-client cap a connection gets a 503 problem and is closed; other clients are served, and a freed slot is reused"
    )
    func perClientCap_refusesAndRecovers() async throws {
        try await withLiveApp(configure: { $0.httpMaxConnectionsPerClient = 3 }) { client in
            let port = try #require(client.port)
            var held: [RawConnection] = []
            for _ in 0..<3 {
                let connection = try RawConnection(port: port, from: "127.0.0.2")
                connection.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(await connection.readSome()?.hasPrefix("HTTP/1.1 200") == true)
                held.append(connection)
            }
            let refused = try RawConnection(port: port, from: "127.0.0.2")
            let answer = try #require(await refused.readUntilClosed())
            #expect(answer.hasPrefix("HTTP/1.1 503"), "\(answer.prefix(200))")
            #expect(answer.contains("application/problem+json") && answer.contains("too-many-connections"))
            #expect(answer.lowercased().contains("retry-after: 1"))

            #expect(try await client.get("/health").status == .ok)

            held.removeLast().hangUp()
            var servedAgain = false
            for _ in 0..<50 where !servedAgain {
                let again = try RawConnection(port: port, from: "127.0.0.2")
                again.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
                servedAgain = await again.readSome()?.hasPrefix("HTTP/1.1 200") == true
                if !servedAgain { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(servedAgain, "the slot of a closed connection was never given back")
        }
    }

    @Test("a request body trickled slower than the minimum rate closes the connection")
    func trickledBody_closed() async throws {
        try await withLiveApp(configure: { ($0.httpIdleTimeoutSeconds, $0.httpMinBodyBytesPerSecond) = (1, 1000) }) {
            client in
            // Generous on a loaded machine, and still shorter than the trickle, so only the rate check closes it.
            let connection = try RawConnection(port: try #require(client.port), receiveTimeoutSeconds: 30)
            connection.send(
                "POST /api/v1/logs HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\n"
                    + "Content-Length: 100000\r\n\r\n")
            let trickle = Task {
                for _ in 0..<450 where !Task.isCancelled {
                    connection.send("{")
                    try? await Task.sleep(for: .milliseconds(100))
                }
            }
            defer { trickle.cancel() }
            #expect(await connection.readUntilClosed() != nil, "the trickling connection stayed open for 30 s")
        }
    }
}
