import Testing

@testable import Stores

/// What a store failure tells the log: the database's own reason, with no SQL and no values.
@Suite("Store errors")
struct StoreErrorTests {
    private static func reason(_ database: some SQLDatabase, _ sql: String) async throws -> String? {
        do {
            _ = try await database.execute(sql, [.integer(0)])
        } catch let error as StoreError {
            #expect(!error.description.contains("nowhere"), "the client-facing description names no SQL")
            return error.databaseReason
        }
        Issue.record("the statement succeeded")
        return nil
    }

    @Test("a statement the database refuses carries its reason", arguments: StoreKind.allCases)
    func refusedStatement_databaseReason(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let found: String?
            let expected: String
            switch store {
            case let postgres as PostgresLogStore:
                found = try await Self.reason(postgres, "SELECT 1 / $1")
                expected = "SQLSTATE 22012: division by zero"
            case let sqlite as SQLiteLogStore:
                found = try await Self.reason(sqlite, "SELECT * FROM nowhere WHERE ?1")
                expected = "error: no such table: nowhere"
            default:
                throw StoreError(.invalidConfiguration, "an unknown store")
            }
            #expect(found == expected)
        }
    }
}
