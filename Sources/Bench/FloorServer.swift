import ArgumentParser
import Hummingbird
import Logging
import NIOCore

/// `logsmith-bench floor-server`: the HTTP stack Logsmith is built on with nothing of Logsmith in it.
///
/// It answers `POST /api/v1/logs` as Logsmith answers one accepted record (the body read whole, 200
/// and a small JSON body) without parsing, authenticating, storing or logging anything, so the CPU it
/// spends per request under the ingest benchmark is the least any Logsmith request can cost on the
/// same Hummingbird, SwiftNIO and Swift runtime (`FLOOR=1 bench/per-request`). `GET /ready` answers
/// 200 once it listens, as Logsmith's does.
struct FloorServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "floor-server",
        abstract: "Serve POST /api/v1/logs with the bare HTTP stack, as a floor for the server's cost per request.")

    @Option(help: "The loopback port to listen on.")
    var port: Int

    func run() async throws {
        let router = Router()
        router.get("/ready") { _, _ in HTTPResponse.Status.ok }
        router.post("/api/v1/logs") { request, _ -> Response in
            _ = try await request.body.collect(upTo: 10 << 20)
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"accepted":1,"rejected":[]}"#)))
        }
        var logger = Logger(label: "floor-server")
        logger.logLevel = .warning
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "floor"),
            logger: logger)
        try await app.runService()
    }
}
