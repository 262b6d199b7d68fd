import Foundation
public import PostgresNIO

extension PostgresClient.Configuration {
    /// Reads a `postgres://user:password@host:port/database?sslmode=...` URL, for a pool of at most
    /// `maximumConnections`.
    ///
    /// `sslmode` may be `disable` (the default, for loopback and private networks), `prefer` or
    /// `require`. Errors never repeat the URL, since it may hold a password.
    public init(url text: String, maximumConnections: Int = 20) throws {
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme),
            let host = components.host, !host.isEmpty
        else {
            throw StoreError(.invalidConfiguration, "database URL must look like postgres://user:password@host:port/db")
        }
        guard let username = components.user, !username.isEmpty else {
            throw StoreError(.invalidConfiguration, "database URL has no user name")
        }
        let database = components.path.split(separator: "/").first.map(String.init)
        let tls: TLS
        switch components.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "disable" {
        case "disable": tls = .disable
        case "prefer", "allow": tls = .prefer(.makeClientConfiguration())
        case "require", "verify-ca", "verify-full": tls = .require(.makeClientConfiguration())
        default: throw StoreError(.invalidConfiguration, "database URL has an unknown sslmode")
        }
        self.init(
            host: host, port: components.port ?? 5432, username: username,
            password: components.password?.removingPercentEncoding, database: database, tls: tls)
        options.maximumConnections = maximumConnections
    }
}
