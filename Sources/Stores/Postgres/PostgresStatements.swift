import Logging
import NIOCore
import PostgresNIO

/// Every statement Logsmith sends to PostgreSQL goes through these, never through postgres-nio's
/// `query` directly.
///
/// postgres-nio 1.33 writes a statement to its connection's channel without a promise for the write.
/// Once the channel has closed, its handlers are gone, so a statement written then is neither sent
/// nor failed and its caller waits for good; and the pool can lease a connection that PostgreSQL
/// has just closed (a restart) before the pool has seen the close. With clients ingesting through a
/// restart, 3 of 12 restarts left requests unanswered that way. Here a statement is written from the
/// connection's event loop right after the channel was seen open there, so the handler that answers
/// it is still in place; on a closed connection the statement fails at once.
extension PostgresConnection {
    /// Runs one statement with the session's default settings (see ``PostgresSessionSettings``) and
    /// returns all its rows.
    /// - Throws: postgres-nio's error, or ``StoreError/Code/unavailable`` when the connection has
    ///   closed.
    @discardableResult
    func statement(_ query: PostgresQuery, logger: Logger) async throws -> PostgresQueryResult {
        try await PostgresSessionSettings.restoreDefaults(self, logger: logger)
        return try await send(query, logger: logger)
    }

    /// Runs one statement with whatever settings the session has and returns all its rows.
    /// - Throws: as ``statement(_:logger:)``.
    @discardableResult
    func send(_ query: PostgresQuery, logger: Logger) async throws -> PostgresQueryResult {
        try await eventLoop.flatSubmit { [self] in
            guard !isClosed else {
                return eventLoop.makeFailedFuture(StoreError(.unavailable, "the database connection has closed"))
            }
            return self.query(query, logger: logger)
        }.get()
    }

    /// Runs `body` in a transaction on this connection: committed when `body` returns, rolled back
    /// when it throws, whose error is then rethrown as it was.
    func transaction<Result>(
        logger: Logger, isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> sending Result
    ) async throws -> sending Result {
        try await statement("BEGIN", logger: logger)
        let result: Result
        do {
            result = try await body(self)
        } catch {
            _ = try? await statement("ROLLBACK", logger: logger)
            throw error
        }
        try await statement("COMMIT", logger: logger)
        return result
    }
}

extension PostgresClient {
    /// Runs one statement on a pooled connection (see ``PostgresNIO/PostgresConnection/statement(_:logger:)``).
    @discardableResult
    func statement(_ query: PostgresQuery, logger: Logger) async throws -> PostgresQueryResult {
        try await withConnection { try await $0.statement(query, logger: logger) }
    }

    /// Runs `body` in a transaction on a pooled connection (see
    /// ``PostgresNIO/PostgresConnection/transaction(logger:isolation:_:)``).
    func transaction<Result>(
        logger: Logger, isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> sending Result
    ) async throws -> sending Result {
        try await withConnection { connection in try await connection.transaction(logger: logger, body) }
    }
}
