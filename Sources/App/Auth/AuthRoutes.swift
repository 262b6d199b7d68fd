import Access
import Foundation
import Hummingbird
import Stores

/// `POST /api/v1/auth/login` (tenant, username and password for a session token; usernames are
/// unique within a tenant, in any case, and the tenant defaults to the operator tenant) and
/// `GET /api/v1/auth/me` (who the credential belongs to). Login has its own strict limit per client
/// address and per user; `me` shares the per-address read limit.
struct AuthRoutes<Credentials: CredentialStore, Limiter: RateLimiter> {
    let credentials: Credentials
    let sessions: SessionTokens
    let passwords: PasswordHasher
    let gate: RateLimitGate<Limiter>
    let limits: RateLimits

    func register(on router: Router<AppRequestContext>) {
        router.post("/api/v1/auth/login") { request, context in
            try await login(request, context: context)
        }
        router.get("/api/v1/auth/me") { _, context in
            let headers = try await gate.enforceRead(limits, context)
            guard let identity = context.identity else { throw Problem.unauthorized() }
            return EditedResponse(
                headers: headers,
                response: Me(
                    tenant: identity.tenant, scopes: identity.scopes.sorted().map(\.rawValue), actor: identity.actor))
        }
    }

    private struct Login: Decodable {
        var tenant: String?
        var username: String
        var password: String
    }

    private struct Session: ResponseEncodable {
        var token: String
        var tokenType = "Bearer"
        var expiresIn: Int

        enum CodingKeys: String, CodingKey {
            case token
            case tokenType = "token_type"
            case expiresIn = "expires_in"
        }
    }

    private struct Me: ResponseEncodable {
        var tenant: String
        var scopes: [String]
        var actor: String
    }

    private func login(_ request: Request, context: AppRequestContext) async throws -> Session {
        let login = try await decodeJSONBody(Login.self, from: request)
        let tenant = login.tenant ?? defaultTenant
        _ = try await gate.enforce([
            (limits.login, "ip:\(context.clientAddress ?? "unknown")", 1),
            (limits.loginPerUser, "user:\(tenant)/\(login.username.lowercased())", 1),
        ])
        let user = try await credentials.user(tenant: tenant, username: login.username)
        let matches = try await passwords.verify(login.password, hash: user?.passwordHash)
        guard matches, let user, user.disabledAt == nil else {
            throw Problem(status: .unauthorized, kind: "unauthorized", detail: "invalid username or password")
        }
        let token = try await sessions.issue(username: user.username, tenant: user.tenant, role: user.role)
        return Session(token: token, expiresIn: Int(sessions.lifetime))
    }
}
