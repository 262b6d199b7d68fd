public import Foundation
import JWTKit

/// Issues and checks the short-lived JWTs (HS256) that users get from logging in.
public struct SessionTokens: Sendable {
    /// What a valid token says about its holder.
    public struct Session: Sendable, Hashable {
        /// The username.
        public var username: String
        /// The user's tenant.
        public var tenant: String
        /// The user's role when the token was issued.
        public var role: Role
        /// When the token stops being valid.
        public var expiresAt: Date
    }

    private struct Claims: JWTPayload {
        var sub: SubjectClaim
        var tenant: String
        var role: Role
        var iat: IssuedAtClaim
        var exp: ExpirationClaim

        func verify(using algorithm: some JWTAlgorithm) async throws {
            try exp.verifyNotExpired()
        }
    }

    private let keys: JWTKeyCollection
    /// How long a token is valid.
    public let lifetime: TimeInterval

    /// Creates an issuer with an HMAC secret.
    public init(secret: String, lifetime: TimeInterval = 3600) async {
        keys = await JWTKeyCollection().add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        self.lifetime = lifetime
    }

    /// A signed token for a user.
    public func issue(username: String, tenant: String, role: Role, now: Date = Date()) async throws -> String {
        try await keys.sign(
            Claims(
                sub: SubjectClaim(value: username), tenant: tenant, role: role, iat: IssuedAtClaim(value: now),
                exp: ExpirationClaim(value: now.addingTimeInterval(lifetime))))
    }

    /// The session of a valid token; throws for a bad signature, a malformed or an expired token.
    public func verify(_ token: String) async throws -> Session {
        let claims = try await keys.verify(token, as: Claims.self)
        return Session(
            username: claims.sub.value, tenant: claims.tenant, role: claims.role, expiresAt: claims.exp.value)
    }
}
