import Access
import Hummingbird
import LogModel

/// A tenant as the admin API shows it.
struct TenantView: ResponseEncodable {
    var name: String
    var createdAt: Timestamp
    /// The tenant's own retention; nil when it keeps the default.
    var retentionDays: Int?
    /// The retention in force: its own, or the default.
    var effectiveRetentionDays: Int

    init(_ tenant: Tenant, defaultRetentionDays: Int) {
        name = tenant.name
        createdAt = tenant.createdAt
        retentionDays = tenant.retentionDays
        effectiveRetentionDays = tenant.retentionDays ?? defaultRetentionDays
    }

    enum CodingKeys: String, CodingKey {
        case name
        case createdAt = "created_at"
        case retentionDays = "retention_days"
        case effectiveRetentionDays = "effective_retention_days"
    }
}

/// A key as the admin API lists it: never the key, never its hash.
struct KeyView: ResponseEncodable {
    var id: String
    var tenant: String
    var name: String
    var prefix: String
    var scopes: [String]
    var createdAt: Timestamp
    var lastUsedAt: Timestamp?
    var revokedAt: Timestamp?

    init(_ key: APIKey) {
        id = key.id
        tenant = key.tenant
        name = key.name
        prefix = key.prefix
        scopes = key.scopes.sorted().map(\.rawValue)
        createdAt = key.createdAt
        lastUsedAt = key.lastUsedAt
        revokedAt = key.revokedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, tenant, name, prefix, scopes
        case createdAt = "created_at"
        case lastUsedAt = "last_used_at"
        case revokedAt = "revoked_at"
    }
}

/// A new key: its details and, this once, the key itself.
struct NewKey: ResponseEncodable {
    var key: String
    var details: KeyView

    func encode(to encoder: any Encoder) throws {
        try details.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(key, forKey: .key)
    }

    enum CodingKeys: String, CodingKey {
        case key
    }
}

/// A user as the admin API shows it: never the password hash.
struct UserView: ResponseEncodable {
    var id: String
    var tenant: String
    var username: String
    var role: String
    var createdAt: Timestamp
    var disabledAt: Timestamp?

    init(_ user: User) {
        id = user.id
        tenant = user.tenant
        username = user.username
        role = user.role.rawValue
        createdAt = user.createdAt
        disabledAt = user.disabledAt
    }

    enum CodingKeys: String, CodingKey {
        case id, tenant, username, role
        case createdAt = "created_at"
        case disabledAt = "disabled_at"
    }
}

/// Lists and counts returned by the admin API.
struct Tenants: ResponseEncodable { var tenants: [TenantView] }
/// The tenant's keys.
struct Keys: ResponseEncodable { var keys: [KeyView] }
/// The tenant's users.
struct Users: ResponseEncodable { var users: [UserView] }
/// How many logs a delete removed.
struct Deleted: ResponseEncodable { var deleted: Int }
