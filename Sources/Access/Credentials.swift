public import LogModel

/// A tenant: the unit of isolation every record, key and user belongs to.
public struct Tenant: Sendable, Hashable, Codable {
    /// The tenant's name, which is its identity.
    public var name: String
    /// When it was created.
    public var createdAt: Timestamp
    /// How many days its records are kept; nil for the service's default.
    public var retentionDays: Int?

    /// Creates a tenant.
    public init(name: String, createdAt: Timestamp, retentionDays: Int? = nil) {
        self.name = name
        self.createdAt = createdAt
        self.retentionDays = retentionDays
    }

    /// The retention periods a tenant may have: one day to a hundred years.
    public static let retentionDaysRange = 1...36_500

    /// Whether a name is usable: 1-64 characters of lowercase letters, digits, `-` and `_`.
    public static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.count)
            && name.allSatisfy {
                ($0.isLetter && $0.isLowercase && $0.isASCII) || $0.isNumber || $0 == "-" || $0 == "_"
            }
    }
}

/// A stored API key: everything about it except the key itself, of which only a hash is kept.
public struct APIKey: Sendable, Hashable {
    /// The key's public identity (a UUID), used to list and revoke it.
    public var id: String
    /// The tenant the key acts for.
    public var tenant: String
    /// A human name, e.g. `payments-shipper`.
    public var name: String
    /// The first characters of the key, enough to recognise it in a listing, never enough to use it.
    public var prefix: String
    /// SHA-256 of the key, lowercase hex.
    public var hash: String
    /// What the key may do.
    public var scopes: Set<Scope>
    /// When it was created.
    public var createdAt: Timestamp
    /// When it was last used (updated at most once a minute).
    public var lastUsedAt: Timestamp?
    /// When it was revoked; a revoked key authenticates nothing.
    public var revokedAt: Timestamp?

    /// Creates a key record.
    public init(
        id: String, tenant: String, name: String, prefix: String, hash: String, scopes: Set<Scope>,
        createdAt: Timestamp, lastUsedAt: Timestamp? = nil, revokedAt: Timestamp? = nil
    ) {
        self.id = id
        self.tenant = tenant
        self.name = name
        self.prefix = prefix
        self.hash = hash
        self.scopes = scopes
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.revokedAt = revokedAt
    }
}

/// A stored user: a person who logs in with a password (kept only as a bcrypt hash).
public struct User: Sendable, Hashable {
    /// The user's identity (a UUID).
    public var id: String
    /// The tenant the user belongs to.
    public var tenant: String
    /// The login name, unique across tenants.
    public var username: String
    /// The bcrypt hash of the password.
    public var passwordHash: String
    /// What the user may do in the tenant.
    public var role: Role
    /// When the user was created.
    public var createdAt: Timestamp
    /// When the user was disabled; a disabled user cannot log in.
    public var disabledAt: Timestamp?

    /// Creates a user record.
    public init(
        id: String, tenant: String, username: String, passwordHash: String, role: Role, createdAt: Timestamp,
        disabledAt: Timestamp? = nil
    ) {
        self.id = id
        self.tenant = tenant
        self.username = username
        self.passwordHash = passwordHash
        self.role = role
        self.createdAt = createdAt
        self.disabledAt = disabledAt
    }
}
