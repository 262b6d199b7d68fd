import Access
import Foundation
import HTTPTypes
import Hummingbird
import LogModel
import Stores
import Synchronization

/// Turns the credential of a request into an ``Identity``.
///
/// Accepted: `Authorization: Bearer <api key or session token>`, `X-API-Key: <api key>`, HTTP
/// Basic auth whose password is an API key (the user name is ignored), which is what Loki and
/// Elasticsearch shippers can send, and Elasticsearch's `Authorization: ApiKey <base64 of id:key>`
/// (the id is ignored) or `ApiKey <key>`. With authentication off, every request is the `default`
/// tenant with every scope.
final class Authenticator<Credentials: CredentialStore>: Sendable {
    private let credentials: Credentials
    private let sessions: SessionTokens
    private let enabled: Bool
    /// When each key's last use was last written, so that it is written at most once a minute.
    private let lastTouched = Mutex<[String: Timestamp]>([:])

    init(credentials: Credentials, sessions: SessionTokens, enabled: Bool) {
        self.credentials = credentials
        self.sessions = sessions
        self.enabled = enabled
    }

    /// The identity of a request: nil when it carries no credential; throws 401 when it carries a
    /// bad one (unknown, revoked, expired, tampered, or of a disabled user).
    func identity(for request: Request) async throws -> Identity? {
        guard enabled else { return Identity(tenant: defaultTenant, scopes: Set(Scope.allCases), actor: "anonymous") }
        if let key = request.headers[.xAPIKey] {
            return try await identity(forKey: key)
        }
        guard let authorization = request.headers[.authorization] else { return nil }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { throw Problem.unauthorized() }
        let value = String(parts[1].trimmingBlanks)
        switch parts[0].lowercased() {
        case "bearer":
            return APIKeySecret.looksLikeKey(value)
                ? try await identity(forKey: value) : try await identity(forSession: value)
        case "apikey":
            // Elasticsearch clients send base64 of `id:key`, or the key itself when given it encoded.
            return try await identity(forKey: Self.secondOfPair(base64: value) ?? value)
        case "basic":
            guard let password = Self.secondOfPair(base64: value) else { throw Problem.unauthorized() }
            return try await identity(forKey: password)
        default:
            throw Problem.unauthorized()
        }
    }

    /// What follows the first `:` of base64 text that decodes to `first:second` (Basic's user and
    /// password, an Elasticsearch API key's id and key); nil for anything else.
    private static func secondOfPair(base64 value: String) -> String? {
        guard let decoded = Data(base64Encoded: value).flatMap({ String(data: $0, encoding: .utf8) }),
            let separator = decoded.firstIndex(of: ":")
        else { return nil }
        return String(decoded[decoded.index(after: separator)...])
    }

    private func identity(forKey secret: String) async throws -> Identity {
        guard APIKeySecret.looksLikeKey(secret), let key = try await credentials.key(hash: APIKeySecret.hash(secret)),
            key.revokedAt == nil
        else { throw Problem.unauthorized() }
        try await touch(key)
        return Identity(tenant: key.tenant, scopes: key.scopes, actor: "key:\(key.id)")
    }

    private func identity(forSession token: String) async throws -> Identity {
        guard let session = try? await sessions.verify(token),
            let user = try await credentials.user(tenant: session.tenant, username: session.username),
            user.disabledAt == nil
        else { throw Problem.unauthorized() }
        return Identity(tenant: user.tenant, scopes: user.role.scopes, actor: "user:\(user.username)")
    }

    private func touch(_ key: APIKey) async throws {
        let now = Timestamp.now()
        let due = lastTouched.withLock { touched in
            guard let last = touched[key.id], now.microseconds - last.microseconds < 60_000_000 else {
                touched[key.id] = now
                return true
            }
            return false
        }
        if due { try await credentials.touchKey(id: key.id, at: now) }
    }
}

extension HTTPField.Name {
    /// `X-API-Key`, the header many shippers use for a key.
    static let xAPIKey = HTTPField.Name("X-API-Key")!
}

/// Establishes the identity of every request before its route runs, except on `/metrics`, which
/// checks a credential of its own.
struct AuthMiddleware<Credentials: CredentialStore>: RouterMiddleware {
    let authenticator: Authenticator<Credentials>

    func handle(
        _ request: Request, context: AppRequestContext,
        next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        guard context.endpointPath != MetricsRoutes.path else { return try await next(request, context) }
        var context = context
        context.identity = try await authenticator.identity(for: request)
        return try await next(request, context)
    }
}
