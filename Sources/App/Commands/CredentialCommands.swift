import Access
import ArgumentParser
import Foundation
import LogModel
import Logging
import Stores

/// `logsmith keys create`: makes an API key without HTTP, for bootstrapping.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage API keys.", subcommands: [Create.self])

    /// Creates a key and prints it once.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an API key and print it (shown only once).")

        @Option(help: "Tenant the key acts for (created if missing).") var tenant: String
        @Option(help: "Comma-separated scopes: ingest, read, admin.") var scopes: String
        @Option(help: "A name to recognise the key by.") var name = "cli"
        @OptionGroup var options: ConnectionOptions

        func run() async throws {
            guard Tenant.isValidName(tenant) else {
                throw ValidationError("--tenant must be 1-64 lowercase letters, digits, '-' or '_'")
            }
            guard let scopeSet = Scope.parseList(scopes) else {
                throw ValidationError("--scopes must list ingest, read and/or admin")
            }
            let configuration = try options.configuration()
            let logger = options.logger(configuration)
            let (secret, key) = APIKeySecret.make(tenant: tenant, name: name, scopes: scopeSet, at: .now())
            try await createCredential(
                configuration, logger: logger, tenant: key.tenant, action: "key.create", target: key.id
            ) { credentials in
                try await credentials.insertKey(key)
            }
            print(secret)
        }
    }
}

/// `logsmith users create`: makes a user without HTTP; the password comes from a prompt or stdin.
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "Manage users.", subcommands: [Create.self])

    /// Creates a user, reading the password from the first line of standard input.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a user; the password is read from standard input, never from a flag.")

        @Option(help: "Tenant the user belongs to (created if missing).") var tenant = "default"
        @Option(help: "Login name.") var username: String
        @Flag(help: "Make the user an admin of the tenant (default: viewer).") var admin = false
        @OptionGroup var options: ConnectionOptions

        func run() async throws {
            guard Tenant.isValidName(tenant) else {
                throw ValidationError("--tenant must be 1-64 lowercase letters, digits, '-' or '_'")
            }
            if isatty(STDIN_FILENO) != 0 {
                FileHandle.standardError.write(Data("Password for \(username): ".utf8))
            }
            guard let password = readLine(strippingNewline: true) else {
                throw ValidationError("no password on standard input")
            }
            do {
                try UserRules.validate(username: username, password: password)
            } catch let problem as Problem {
                throw ValidationError(problem.detail)
            }
            let configuration = try options.configuration()
            let logger = options.logger(configuration)
            let user = User(
                id: RecordID.make(at: .now()), tenant: tenant, username: username,
                passwordHash: try await PasswordHasher(cost: UInt8(configuration.bcryptCost)).hash(password),
                role: admin ? .admin : .viewer, createdAt: .now())
            try await createCredential(
                configuration, logger: logger, tenant: user.tenant, action: "user.create", target: user.username
            ) { credentials in
                try await credentials.insertUser(user)
            }
        }
    }
}

/// Migrates the database, makes sure the tenant exists, stores one credential with `insert`, and
/// writes the audit line, for the credential commands.
private func createCredential(
    _ configuration: AppConfiguration, logger: Logger, tenant: String, action: String, target: String,
    _ insert: @Sendable @escaping (any CredentialStore) async throws -> Void
) async throws {
    try await withStores(configuration, logger: logger) { store, credentials in
        try await store.migrate()
        _ = try await credentials.createTenant(Tenant(name: tenant, createdAt: .now()))
        try await insert(credentials)
    }
    auditLog(logger, actor: "cli", tenant: tenant, action: action, target: target)
}
