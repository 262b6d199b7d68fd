import Crypto
import Foundation
public import LogModel

/// Makes API keys and the hashes stores keep of them.
///
/// A key is `lsk_` followed by 256 random bits in base64url (43 characters). It is shown once, at
/// creation; stores keep only its SHA-256, which is enough because the key is random, not chosen.
public enum APIKeySecret {
    /// The prefix every key starts with, so leaked keys can be recognised by scanners.
    public static let prefix = "lsk_"

    /// A new key and its record, for a tenant, name and scopes.
    public static func make(tenant: String, name: String, scopes: Set<Scope>, at time: Timestamp) -> (
        secret: String, record: APIKey
    ) {
        let random = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        let secret = prefix + Base64URL.encode(random)
        let record = APIKey(
            id: RecordID.make(at: time), tenant: tenant, name: name, prefix: String(secret.prefix(12)),
            hash: hash(secret), scopes: scopes, createdAt: time)
        return (secret, record)
    }

    /// Whether text has the shape of a key, so that only such text is looked up as one.
    public static func looksLikeKey(_ text: String) -> Bool {
        text.hasPrefix(prefix) && text.count == prefix.count + 43
    }

    /// SHA-256 of a key, lowercase hex.
    public static func hash(_ secret: String) -> String {
        Hex.encode(SHA256.hash(data: Data(secret.utf8)))
    }

    /// A random secret for signing sessions, as base64url text.
    public static func randomSigningSecret() -> String {
        Base64URL.encode(SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) })
    }
}
