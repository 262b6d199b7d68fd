import Access
import Foundation
import Hummingbird
import LogModel
import LogQuery
import Logging
import Retention
import Stores

/// The admin API under `/api/v1/admin` (admin scope): keys, users, tenants, and deleting logs.
///
/// Admins manage their own tenant. Admins of the operator tenant (`default`, created on first start)
/// may also create and list tenants and act on another tenant by passing `tenant`. Every change
/// writes an audit line (actor, tenant, action, target) to the service log.
struct AdminRoutes<Store: LogStore, Credentials: CredentialStore> {
    let store: Store
    let credentials: Credentials
    let passwords: PasswordHasher
    /// Invalidated after every delete, so no cached answer returns a deleted record.
    let cache: SearchCache
    /// Told of every retention change, so this process's ingest applies it at once.
    let retentions: TenantRetentions

    func register(on router: Router<AppRequestContext>) {
        let admin = router.group("/api/v1/admin")
        admin.post("/tenants") { request, context in try await createTenant(request, context) }
        admin.get("/tenants") { _, context in
            _ = try requireOperator(context)
            return Tenants(tenants: try await credentials.tenants().map(view))
        }
        admin.patch("/tenants/:name") { request, context in try await changeTenant(request, context) }
        admin.post("/keys") { request, context in try await createKey(request, context) }
        admin.get("/keys") { request, context in
            let tenant = try await targetTenant(request, context)
            return Keys(keys: try await credentials.keys(tenant: tenant).map(KeyView.init))
        }
        admin.delete("/keys/:id") { request, context in
            let tenant = try await targetTenant(request, context)
            let id = try context.parameters.require("id")
            guard try await credentials.revokeKey(tenant: tenant, id: id, at: .now()) else {
                throw Problem(status: .notFound, kind: "not-found", detail: "no active key with this id")
            }
            audit(context, tenant: tenant, action: "key.revoke", target: id)
            return HTTPResponse.Status.noContent
        }
        admin.post("/users") { request, context in try await createUser(request, context) }
        admin.get("/users") { request, context in
            let tenant = try await targetTenant(request, context)
            return Users(users: try await credentials.users(tenant: tenant).map(UserView.init))
        }
        admin.post("/users/:username/disable") { request, context in
            let tenant = try await targetTenant(request, context)
            let username = try context.parameters.require("username")
            guard try await credentials.disableUser(tenant: tenant, username: username, at: .now()) else {
                throw Problem(status: .notFound, kind: "not-found", detail: "no enabled user with this name")
            }
            audit(context, tenant: tenant, action: "user.disable", target: username)
            return HTTPResponse.Status.noContent
        }
        admin.delete("/logs/:id") { request, context in
            let tenant = try await targetTenant(request, context)
            let id = try context.parameters.require("id").lowercased()
            guard try await store.delete(tenant: tenant, id: id) else {
                throw Problem(status: .notFound, kind: "not-found", detail: "no log with this id")
            }
            await cache.invalidate(tenant: tenant)
            audit(context, tenant: tenant, action: "logs.delete", target: id)
            return HTTPResponse.Status.noContent
        }
        admin.delete("/logs") { request, context in
            let tenant = try await targetTenant(request, context)
            let parameters = try FormQuery(request.uri.query)
            guard let text = parameters["q"], !text.allSatisfy(\.isWhitespace) else {
                throw Problem.badParameter("q", "is required; use q=* to delete every log in the time range")
            }
            let filter = try SearchFilter(parameters)
            guard filter.query != .all || text == "*" else {
                throw Problem.badParameter("q", "matches every log; use q=* to delete every log in the time range")
            }
            let deleted = try await store.delete(
                matching: SearchRequest(tenant: tenant, query: filter.query, start: filter.start, end: filter.end))
            await cache.invalidate(tenant: tenant)
            audit(context, tenant: tenant, action: "logs.delete_by_query", target: String(text.prefix(200)))
            return Deleted(deleted: deleted)
        }
    }

    // MARK: - Handlers

    private func createTenant(_ request: Request, _ context: AppRequestContext) async throws
        -> EditedResponse<TenantView>
    {
        _ = try requireOperator(context)
        let body = try await decodeJSONBody(NewTenantBody.self, from: request)
        guard Tenant.isValidName(body.name) else {
            throw Problem.badField(
                [NameKey.name], "must be 1-64 lowercase letters, digits, '-' or '_'")
        }
        let days = try Self.retentionDays(body.retentionDays)
        let tenant = Tenant(name: body.name, createdAt: .now(), retentionDays: days)
        guard try await credentials.createTenant(tenant) else {
            throw Problem(status: .conflict, kind: "conflict", detail: "the tenant exists already")
        }
        await retentions.changed(tenant: tenant.name, days: days)
        audit(context, tenant: tenant.name, action: "tenant.create", target: tenant.name)
        return EditedResponse(status: .created, response: view(tenant))
    }

    /// `PATCH /tenants/{name}` with `{"retention_days": N}`, or `null` for the service's default.
    private func changeTenant(_ request: Request, _ context: AppRequestContext) async throws -> TenantView {
        _ = try requireOperator(context)
        let name = try context.parameters.require("name")
        let body = try await decodeJSONBody(TenantChangeBody.self, from: request)
        let days = try Self.retentionDays(body.retentionDays)
        guard try await credentials.setRetention(tenant: name, days: days),
            let tenant = try await credentials.tenants().first(where: { $0.name == name })
        else {
            throw Problem(status: .notFound, kind: "not-found", detail: "no tenant with this name")
        }
        await retentions.changed(tenant: name, days: days)
        audit(context, tenant: name, action: "tenant.retention", target: days.map(String.init) ?? "default")
        return view(tenant)
    }

    private static func retentionDays(_ days: Int?) throws -> Int? {
        guard let days else { return nil }
        guard Tenant.retentionDaysRange.contains(days) else {
            throw Problem.badField(
                [NameKey.retentionDays],
                "must be \(Tenant.retentionDaysRange.lowerBound)-\(Tenant.retentionDaysRange.upperBound), "
                    + "or null for the default")
        }
        return days
    }

    private func view(_ tenant: Tenant) -> TenantView {
        TenantView(tenant, defaultRetentionDays: retentions.defaultDays)
    }

    private func createKey(_ request: Request, _ context: AppRequestContext) async throws -> EditedResponse<NewKey> {
        let tenant = try await targetTenant(request, context)
        let body = try await decodeJSONBody(NewKeyBody.self, from: request)
        guard (1...128).contains(body.name.count) else {
            throw Problem.badField([NameKey.name], "must be 1-128 characters")
        }
        guard let scopes = Scope.parseList(body.scopes.joined(separator: ",")) else {
            throw Problem.badField([NameKey.scopes], "must be a non-empty list of ingest, read, admin")
        }
        let creator = try context.require(.admin)
        if let missing = scopes.sorted(by: { $0.rawValue < $1.rawValue }).first(where: { !creator.allows($0) }) {
            throw Problem(
                status: .forbidden, kind: "forbidden",
                detail: "a key cannot grant the \(missing.rawValue) scope, which its creator lacks")
        }
        let (secret, key) = APIKeySecret.make(tenant: tenant, name: body.name, scopes: scopes, at: .now())
        try await credentials.insertKey(key)
        audit(context, tenant: tenant, action: "key.create", target: key.id)
        return EditedResponse(status: .created, response: NewKey(key: secret, details: KeyView(key)))
    }

    private func createUser(_ request: Request, _ context: AppRequestContext) async throws -> EditedResponse<UserView> {
        let tenant = try await targetTenant(request, context)
        let body = try await decodeJSONBody(NewUserBody.self, from: request)
        try UserRules.validate(username: body.username, password: body.password)
        guard let role = Role(rawValue: body.role) else {
            throw Problem.badField([NameKey.role], "must be admin or viewer")
        }
        let user = User(
            id: RecordID.make(at: .now()), tenant: tenant, username: body.username,
            passwordHash: try await passwords.hash(body.password), role: role, createdAt: .now())
        do {
            try await credentials.insertUser(user)
        } catch let error as StoreError where error.code == .conflict {
            throw Problem(status: .conflict, kind: "conflict", detail: "the username is taken")
        }
        audit(context, tenant: tenant, action: "user.create", target: user.username)
        return EditedResponse(status: .created, response: UserView(user))
    }

    // MARK: - Tenancy and audit

    private func requireOperator(_ context: AppRequestContext) throws -> Identity {
        let identity = try context.require(.admin)
        guard identity.tenant == defaultTenant else {
            throw Problem(status: .forbidden, kind: "forbidden", detail: "only operators manage tenants")
        }
        return identity
    }

    /// The tenant an admin request acts on: the caller's own, or for operators the `tenant` parameter.
    private func targetTenant(_ request: Request, _ context: AppRequestContext) async throws -> String {
        let identity = try context.require(.admin)
        guard let requested = try FormQuery(request.uri.query)["tenant"], requested != identity.tenant
        else {
            return identity.tenant
        }
        guard identity.tenant == defaultTenant else {
            throw Problem(status: .forbidden, kind: "forbidden", detail: "admins act on their own tenant only")
        }
        guard try await credentials.tenantExists(requested) else {
            throw Problem(status: .notFound, kind: "not-found", detail: "no tenant with this name")
        }
        return requested
    }

    private func audit(_ context: AppRequestContext, tenant: String, action: String, target: String) {
        auditLog(
            context.logger, actor: context.identity?.actor ?? "unknown", tenant: tenant, action: action, target: target)
    }

    private struct NewTenantBody: Decodable {
        var name: String
        var retentionDays: Int?

        enum CodingKeys: String, CodingKey {
            case name
            case retentionDays = "retention_days"
        }
    }

    /// A change of tenant settings; `retention_days` must be present, `null` meaning the default.
    private struct TenantChangeBody: Decodable {
        var retentionDays: Int?

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: NameKey.self)
            guard container.contains(.retentionDays) else {
                throw DecodingError.keyNotFound(
                    NameKey.retentionDays, .init(codingPath: [], debugDescription: "retention_days is required"))
            }
            retentionDays = try container.decodeIfPresent(Int.self, forKey: .retentionDays)
        }
    }

    private struct NewKeyBody: Decodable {
        var name: String
        var scopes: [String]
    }

    private struct NewUserBody: Decodable {
        var username: String
        var password: String
        var role: String
    }

    private enum NameKey: String, CodingKey {
        case name, scopes, role
        case retentionDays = "retention_days"
    }
}

/// Rules for usernames and passwords, shared by the admin API and the command line.
enum UserRules {
    static func validate(username: String, password: String) throws {
        guard (1...64).contains(username.count),
            username.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-@".contains($0)) })
        else {
            throw Problem(
                status: .badRequest, kind: "invalid-field",
                detail: "/username: must be 1-64 letters, digits, '.', '_', '-' or '@'",
                errors: [
                    Problem.Detail(pointer: "/username", reason: "must be 1-64 letters, digits, '.', '_', '-' or '@'")
                ])
        }
        // bcrypt reads at most 72 bytes and stops at a NUL: anything past either would be ignored.
        let reason: String? =
            password.count < 12
            ? "must be at least 12 characters"
            : password.utf8.count > 72
                ? "must be at most 72 bytes in UTF-8 (bcrypt reads no further)"
                : password.utf8.contains(0) ? "must not contain a NUL character" : nil
        if let reason {
            throw Problem(
                status: .badRequest, kind: "invalid-field", detail: "/password: \(reason)",
                errors: [Problem.Detail(pointer: "/password", reason: reason)])
        }
    }
}
