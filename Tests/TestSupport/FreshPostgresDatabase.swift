import Foundation
import Logging
import PostgresNIO
import Stores

/// Creates a database of its own on the PostgreSQL server of `url`, hands its URL to `body`, and
/// drops it afterwards (also when `body` throws).
public func withFreshPostgresDatabase(on url: String, _ body: (String) async throws -> Void) async throws {
    guard let slash = url.lastIndex(of: "/") else { throw FreshDatabaseError(message: "no database in \(url)") }
    let name = "logsmith_\(UUID().uuidString.prefix(8).lowercased())"
    let client = PostgresClient(configuration: try .init(url: url), backgroundLogger: Logger(label: "test"))
    try await whileRunning("a PostgreSQL client", { await client.run() }) {
        try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
        do {
            try await body(String(url[..<slash]) + "/" + name)
        } catch {
            _ = try? await client.query(PostgresQuery(unsafeSQL: "DROP DATABASE \(name) WITH (FORCE)"))
            throw error
        }
        try await client.query(PostgresQuery(unsafeSQL: "DROP DATABASE \(name) WITH (FORCE)"))
    }
}

/// A server URL without a database name.
struct FreshDatabaseError: Error {
    var message: String
}
