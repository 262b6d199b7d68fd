import Foundation
import Logging
import PostgresNIO
import Stores
import TestSupport
import Testing

/// Runs `body` while another transaction holds the partition of the record stored at `timestamp`
/// (an RFC 3339 literal) in ACCESS EXCLUSIVE mode, so every statement that reads it waits; `body`
/// gets a client of the database to watch them with.
func withLockedPartition<T: Sendable>(
    url: String, holding timestamp: String, _ body: (PostgresClient) async throws -> T
) async throws -> T {
    let logger = Logger(label: "test")
    let client = PostgresClient(configuration: try .init(url: url), backgroundLogger: logger)
    return try await whileRunning("a PostgreSQL client", { await client.run() }) {
        let partition = try await client.query(
            PostgresQuery(unsafeSQL: "SELECT tableoid::regclass::text FROM logs WHERE ts = '\(timestamp)'"),
            logger: logger
        ).collect().first?.decode(String.self)
        let locked = try #require(partition, "no record at \(timestamp)")
        return try await client.withTransaction(logger: logger) { connection in
            try await connection.query(
                PostgresQuery(unsafeSQL: "LOCK TABLE \(locked) IN ACCESS EXCLUSIVE MODE"), logger: logger)
            return try await body(client)
        }
    }
}

/// Polls for up to 10 s until `count` statements of the client's database wait on a lock (other
/// tests lock their own databases at the same time); whether that happened.
func waitForLockWaiters(_ count: Int, on client: PostgresClient) async throws -> Bool {
    for _ in 0..<100 {
        let rows = try await client.query(
            """
            SELECT count(*)::int FROM pg_stat_activity
            WHERE wait_event_type = 'Lock' AND state = 'active' AND datname = current_database()
            """,
            logger: Logger(label: "test")
        ).collect()
        if try rows.first?.decode(Int.self) == count { return true }
        try await Task.sleep(for: .milliseconds(100))
    }
    return false
}
