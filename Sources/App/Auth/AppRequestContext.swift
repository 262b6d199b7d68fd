import Access
import Foundation
import Hummingbird
import NIOCore

/// The request context of every route: Hummingbird's core storage, the caller's address, and the
/// identity the authentication middleware established.
struct AppRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// Who is calling; nil until authenticated, and for requests without credentials.
    var identity: Identity?
    /// The client's IP address, when the transport knows it; behind a trusted proxy, the address the
    /// proxy names (``ClientAddressMiddleware``).
    var clientAddress: String?
    /// The port the request arrived on.
    let localPort: Int?
    /// Whether the client is still there (nil when the transport cannot tell).
    let client: ClientWatch?
    /// Writes the JSON of every answer a route returns as a value.
    var responseEncoder: JSONEncoder { APIJSON.encoder() }

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        identity = nil
        clientAddress = source.channel.remoteAddress?.ipAddress
        localPort = source.channel.localAddress?.port
        client = ClientWatch.of(source.channel)
    }

    /// The identity, which must hold `scope`: 401 without credentials, 403 without the scope.
    func require(_ scope: Scope) throws -> Identity {
        guard let identity else { throw Problem.unauthorized() }
        guard identity.allows(scope) else {
            throw Problem(
                status: .forbidden, kind: "forbidden", detail: "the credential lacks the \(scope.rawValue) scope")
        }
        return identity
    }
}

extension Problem {
    /// 401 with a challenge for both schemes we accept; the same words whatever was wrong, so the
    /// answer never tells whether a key, user or tenant exists.
    static func unauthorized() -> Problem {
        var headers = HTTPFields()
        headers[.wwwAuthenticate] = #"Bearer realm="logsmith", Basic realm="logsmith""#
        return Problem(
            status: .unauthorized, kind: "unauthorized",
            detail: "missing or invalid credentials: send an API key or a session token", headers: headers)
    }
}
