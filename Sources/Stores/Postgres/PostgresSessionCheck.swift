import PostgresNIO

/// The check, at start, that each connection of the pool is a database session of its own, as
/// Logsmith needs: its election locks are session advisory locks, the live tail and credential
/// changes arrive by `LISTEN`, and its connections carry session settings. A pooler in transaction
/// or statement mode (PgBouncer's `pool_mode = transaction`) hands the server session back after
/// every transaction, so two client connections share one backend in turn and one connection moves
/// between backends; the check looks for either, and refuses to start with an error that says so.
/// A pooler in session mode passes.
extension PostgresLogStore {
    /// Rounds of the check: a pooler with several idle sessions may hand out different ones, but
    /// three rounds of statements alternating between two connections reuse one in practice.
    private static var sessionCheckRounds: Int { 3 }

    /// Throws ``StoreError/Code/invalidConfiguration`` when the connections are not sessions of
    /// their own.
    func checkSessionsAreOwn() async throws {
        let pids = try await sessionPIDs()
        let firstMoved = Set(pids.map(\.first)).count > 1
        let shared = pids.contains { $0.first == $0.second }
        guard firstMoved || shared else { return }
        throw StoreError(
            .invalidConfiguration,
            "the database connections go through a pooler in transaction or statement mode "
                + "(PgBouncer's pool_mode = transaction): Logsmith needs session mode, since it holds advisory locks, "
                + "LISTEN and session settings on its connections; use pool_mode = session, or connect directly")
    }

    /// The backends that answered statements alternating between two connections held at once.
    private func sessionPIDs() async throws -> [(first: Int32, second: Int32)] {
        try await client.withConnection { first in
            try await client.withConnection { second in
                var pids: [(first: Int32, second: Int32)] = []
                for _ in 0..<Self.sessionCheckRounds {
                    pids.append((try await backendPID(first), try await backendPID(second)))
                }
                return pids
            }
        }
    }

    private func backendPID(_ connection: PostgresConnection) async throws -> Int32 {
        let rows = try await connection.query("SELECT pg_backend_pid()", logger: logger).collect()
        guard let pid = try rows.first?.decode(Int32.self) else {
            throw StoreError(.unavailable, "the database did not say which session answered")
        }
        return pid
    }
}
