import NIOPosix
public import Telemetry

/// Logsmith's own Redis client, on hiredis: no Swift Redis client is among the packages we may use,
/// and hiredis is the reference C client. A bounded pool of connections; each command (or
/// pipeline) runs on NIO's blocking thread pool, never on an event loop, under a timeout. A broken
/// connection is dropped; after a failed connect the client refuses at once (without trying) until
/// a backoff has passed, doubling up to 5 s, so a dead Redis costs requests nothing.
public actor RedisClient {
    private let configuration: RedisConfiguration
    private let instrumentation: StatementInstrumentation
    private var idle: [RedisConnection] = []
    private var open = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var retryAt: ContinuousClock.Instant?
    private var backoff = Duration.milliseconds(100)

    /// Creates a client; connections open on first use.
    public init(configuration: RedisConfiguration, observability: Observability? = nil) {
        self.configuration = configuration
        self.instrumentation = StatementInstrumentation(system: "redis", observability: observability)
    }

    /// Runs one command.
    public func command(_ arguments: [String]) async throws -> RedisReply {
        try await pipeline([arguments])[0]
    }

    /// Runs several commands in one round trip; replies come back in order.
    /// - Throws: ``StoreError`` `unavailable` when Redis cannot be reached or the connection fails.
    public func pipeline(_ commands: [[String]]) async throws -> [RedisReply] {
        let operation = commands.count == 1 ? commands[0][0].uppercased() : "PIPELINE"
        do {
            return try await instrumentation.statement("", operation: operation, batchSize: commands.count) {
                let connection = try await checkOut()
                do {
                    let replies = try await NIOThreadPool.singleton.runIfActive { try connection.pipeline(commands) }
                    checkIn(connection)
                    return replies
                } catch {
                    discard()
                    throw error
                }
            }
        } catch {
            throw error as? StoreError ?? StoreError(.unavailable, "Redis is unavailable", underlying: error)
        }
    }

    private func checkOut() async throws -> RedisConnection {
        while true {
            if let connection = idle.popLast() { return connection }
            if open < configuration.maximumConnections { break }
            await withCheckedContinuation { waiters.append($0) }
        }
        if let retryAt, ContinuousClock.now < retryAt {
            throw StoreError(.unavailable, "Redis is unavailable; retrying shortly")
        }
        open += 1
        let configuration = self.configuration
        do {
            let connection = try await NIOThreadPool.singleton.runIfActive { try RedisConnection(configuration) }
            retryAt = nil
            backoff = .milliseconds(100)
            return connection
        } catch {
            open -= 1
            retryAt = ContinuousClock.now + backoff
            backoff = min(backoff * 2, .seconds(5))
            wakeOne()
            throw error
        }
    }

    private func checkIn(_ connection: RedisConnection) {
        idle.append(connection)
        wakeOne()
    }

    private func discard() {
        open -= 1
        wakeOne()
    }

    private func wakeOne() {
        if !waiters.isEmpty { waiters.removeFirst().resume() }
    }
}
