import Foundation

/// Where and how to reach Redis, from `LOGSMITH_REDIS_URL`:
/// `redis://[[user]:password@]host[:port][/db]`.
public struct RedisConfiguration: Sendable, Equatable {
    /// Host name or address.
    public var host: String
    /// TCP port. Default 6379.
    public var port = 6379
    /// ACL user name, when the URL names one.
    public var username: String?
    /// Password, when the URL carries one (never logged).
    public var password: String?
    /// Database number. Default 0.
    public var database = 0
    /// Most connections open at once. Default 8.
    public var maximumConnections = 8
    /// Longest a connect or a command may take. Default 250 ms: the limiter and cache must fail
    /// fast when Redis is slow, not hold up the requests they serve.
    public var timeout = Duration.milliseconds(250)

    /// Parses a `redis://` URL.
    /// - Throws: ``StoreError`` with code `invalidConfiguration` naming what is wrong (never the password).
    public init(url: String) throws {
        guard let components = URLComponents(string: url), components.scheme == "redis",
            let host = components.host, !host.isEmpty
        else {
            throw StoreError(
                .invalidConfiguration, "LOGSMITH_REDIS_URL must look like redis://[user:password@]host:port/db")
        }
        self.host = host
        if let port = components.port { self.port = port }
        username = components.user.flatMap { $0.isEmpty ? nil : $0.removingPercentEncoding }
        password = components.password?.removingPercentEncoding
        let path = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        if !path.isEmpty {
            guard let database = Int(path), database >= 0 else {
                throw StoreError(.invalidConfiguration, "LOGSMITH_REDIS_URL: the database must be a number")
            }
            self.database = database
        }
    }
}
