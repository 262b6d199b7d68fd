import Foundation
import LogModel
import Logging
import PostgresNIO
import TestSupport
import Testing

@testable import Stores

/// Creates a database on the server of `LOGSMITH_TEST_DATABASE_URL` as an earlier release left it:
/// migrated to `version`, with `records` inserted by that schema's triggers (their ID, tenant, time,
/// level, service and message), and from version 15 their messages' entries in the dictionary.
/// Hands its URL to `body`, and drops it afterwards.
func withPreviousReleaseDatabase(
    migratedTo version: Int, records: [LogRecord], _ body: @Sendable (String) async throws -> Void
) async throws {
    let url = try #require(
        ProcessInfo.processInfo.environment["LOGSMITH_TEST_DATABASE_URL"],
        "set LOGSMITH_TEST_DATABASE_URL to a PostgreSQL database (scripts/test does)")
    try await withFreshPostgresDatabase(on: url) { url in
        let logger = Logger(label: "test")
        let client = PostgresClient(configuration: try .init(url: url), backgroundLogger: logger)
        try await whileRunning("a PostgreSQL client", { await client.run() }) {
            try await client.withConnection { connection in
                try await connection.query(
                    "CREATE TABLE schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
                    logger: logger)
                for migration in PostgresMigrations.all where migration.version <= version {
                    try await connection.transaction(logger: logger) { connection in
                        for statement in migration.statements {
                            try await connection.statement(PostgresQuery(unsafeSQL: statement), logger: logger)
                        }
                        try await connection.statement(
                            "INSERT INTO schema_migrations (version) VALUES (\(migration.version))", logger: logger)
                    }
                }
                for day in Set(records.map { PostgresPartitions.Day($0.timestamp) }) {
                    try await connection.query(PostgresQuery(unsafeSQL: day.createStatement), logger: logger)
                }
                try await connection.query(
                    """
                    INSERT INTO logs (id, tenant, ts, observed_at, level, severity_number, service, message)
                    SELECT r.id::uuid, r.tenant, timestamptz 'epoch' + r.ts * interval '1 microsecond',
                        timestamptz 'epoch' + r.ts * interval '1 microsecond', r.level, 9, NULLIF(r.service, ''), r.message
                    FROM unnest(\(records.map(\.id)), \(records.map(\.tenant)), \(records.map(\.timestamp.microseconds)),
                        \(records.map(\.level.rawValue)), \(records.map { $0.service ?? "" }), \(records.map(\.message)))
                        AS r(id, tenant, ts, level, service, message)
                    """, logger: logger)
                if version >= 15 {
                    try await connection.query(PostgresQuery(unsafeSQL: MessageWords.storedEntries), logger: logger)
                }
            }
        }
        try await body(url)
    }
}
