import Foundation

/// What a credential may do. Scopes are independent: `admin` does not imply `read` or `ingest`.
public enum Scope: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    /// Send logs.
    case ingest
    /// Search and read logs.
    case read
    /// Manage keys, users and tenants, and delete logs.
    case admin

    /// Orders scopes as declared, for stable listings.
    public static func < (lhs: Scope, rhs: Scope) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// Parses a comma-separated list such as `ingest,read`; nil when a name is unknown or the list is empty.
    public static func parseList(_ text: String) -> Set<Scope>? {
        let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let scopes = names.compactMap(Scope.init(rawValue:))
        guard !scopes.isEmpty, scopes.count == names.count else { return nil }
        return Set(scopes)
    }

    /// The scopes as a sorted comma-separated list, the form stores keep.
    public static func listText(_ scopes: Set<Scope>) -> String {
        scopes.sorted().map(\.rawValue).joined(separator: ",")
    }
}

/// A person's role within their tenant, which decides their scopes.
public enum Role: String, Sendable, Hashable, CaseIterable, Codable {
    /// Every scope.
    case admin
    /// Read only.
    case viewer

    /// The scopes the role grants.
    public var scopes: Set<Scope> {
        switch self {
        case .admin: Set(Scope.allCases)
        case .viewer: [.read]
        }
    }
}

/// Who is making a request, as established from its credential.
public struct Identity: Sendable, Hashable {
    /// The tenant every action of the request is confined to.
    public var tenant: String
    /// What the credential allows.
    public var scopes: Set<Scope>
    /// Who acts, for audit lines: `key:<id>` or `user:<name>`; never a secret.
    public var actor: String

    /// Creates an identity.
    public init(tenant: String, scopes: Set<Scope>, actor: String) {
        self.tenant = tenant
        self.scopes = scopes
        self.actor = actor
    }

    /// Whether the identity holds a scope.
    public func allows(_ scope: Scope) -> Bool { scopes.contains(scope) }
}
