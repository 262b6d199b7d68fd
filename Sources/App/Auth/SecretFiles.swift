import Access
import Foundation
import LogModel
import Logging
import Stores

/// Secrets Logsmith makes for itself and keeps in the data directory, readable by its owner only.
enum SecretFiles {
    /// Name of the file that receives the first admin key.
    static let initialAdminKey = "initial-admin-key"
    /// Name of the file that keeps the generated session-signing secret.
    static let jwtSecret = "jwt-secret"
    /// Name of the file that keeps the generated token for `/metrics`.
    static let metricsToken = "metrics-token"

    /// The session-signing secret: `LOGSMITH_JWT_SECRET`, else the one kept in the data directory,
    /// generated on first use.
    static func signingSecret(_ configuration: AppConfiguration) throws -> String {
        try configuration.jwtSecret ?? kept(jwtSecret, in: configuration.dataDirectory)
    }

    /// The bearer token `/metrics` requires: `LOGSMITH_METRICS_TOKEN`, else the one kept in the data
    /// directory, generated on first use.
    static func scrapeToken(_ configuration: AppConfiguration) throws -> String {
        try configuration.metricsToken ?? kept(metricsToken, in: configuration.dataDirectory)
    }

    /// The secret kept in the named file of the data directory, generated and written on first use.
    private static func kept(_ name: String, in dataDirectory: String) throws -> String {
        let path = URL(fileURLWithPath: dataDirectory).appendingPathComponent(name).path
        if let existing = try? String(contentsOfFile: path, encoding: .utf8), existing.count >= 32 {
            return existing
        }
        let secret = APIKeySecret.randomSigningSecret()
        try writePrivate(secret, to: path)
        return secret
    }

    /// Creates the operator tenant, and on a database with no key and no user, one admin key with
    /// every scope, written to `<data-dir>/initial-admin-key` (mode 0600). Logs where, never what.
    static func bootstrap(credentials: some CredentialStore, dataDirectory: String, logger: Logger) async throws {
        _ = try await credentials.createTenant(Tenant(name: defaultTenant, createdAt: .now()))
        let (secret, key) = APIKeySecret.make(
            tenant: defaultTenant, name: "initial admin", scopes: Set(Scope.allCases), at: .now())
        let path = URL(fileURLWithPath: dataDirectory).appendingPathComponent(initialAdminKey).path
        let pending = path + ".pending"
        try writePrivate(secret + "\n", to: pending)
        guard try await credentials.insertInitialKey(key) else {
            try? FileManager.default.removeItem(atPath: pending)
            return
        }
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.moveItem(atPath: pending, toPath: path)
        logger.notice("initial admin key created", metadata: ["file.path": "\(path)", "key.id": "\(key.id)"])
    }

    /// Writes text to a new file that only the owner can read and write, in a directory made 0700
    /// when it is new (it holds the database too).
    private static func writePrivate(_ text: String, to path: String) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try? FileManager.default.removeItem(atPath: path)
        guard
            FileManager.default.createFile(
                atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
        else { throw ConfigurationError(message: "cannot write \(path)") }
    }
}
