import AsyncHTTPClient
import NIOCore

extension HTTPClient {
    /// The client of every benchmark: a connection for each request in flight, up to 1,024.
    /// `HTTPClient.shared` opens at most eight connections to a host and queues the other requests,
    /// so a run of more than eight clients measured eight connections and the client's own queue.
    static let bench: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 1024)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()
}
