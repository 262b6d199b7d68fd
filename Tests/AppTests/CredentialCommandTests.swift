import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import TestSupport
import Testing

@testable import App

/// `logsmith keys create` and `logsmith users create` make working credentials without HTTP.
@Suite("Credential commands")
struct CredentialCommandTests {
    @Test("a key and a user made on the command line authenticate over HTTP")
    func cli_createsWorkingCredentials() async throws {
        try await withTemporaryDirectory { directory in
            let key = try runLogsmith([
                "keys", "create", "--tenant", "cli-tenant", "--scopes", "ingest,read", "--data-dir", directory,
            ])
            #expect(key.status == 0)
            let secret = try #require(key.output.split(separator: "\n").last.map(String.init))
            #expect(secret.hasPrefix("lsk_"))
            #expect(key.output.contains("\"audit.action\":\"key.create\""))

            let password = "a long enough password"
            let user = try runLogsmith(
                ["users", "create", "--tenant", "cli-tenant", "--username", "cli-user", "--data-dir", directory],
                input: password + "\n")
            #expect(user.status == 0)
            #expect(!user.output.contains(password))
            let short = try runLogsmith(
                ["users", "create", "--username", "other", "--data-dir", directory], input: "short\n")
            #expect(short.status != 0)

            var configuration = try testConfiguration(.sqlite, dataDirectory: directory)
            configuration.authEnabled = true
            let app = try await buildApplication(configuration, logger: Logger(label: "test"))
            try await app.boundedTest(.router) { client in
                let me = try await client.send(.get, "/api/v1/auth/me", as: secret).json()
                #expect(me["tenant"] as? String == "cli-tenant")
                let login = try await client.send(
                    .post, "/api/v1/auth/login", as: nil,
                    json: #"{"tenant": "cli-tenant", "username": "cli-user", "password": "\#(password)"}"#)
                #expect(login.status == .ok)
            }
            let files = try FileManager.default.contentsOfDirectory(atPath: directory)
            #expect(!files.contains("initial-admin-key"))
        }
    }
}
