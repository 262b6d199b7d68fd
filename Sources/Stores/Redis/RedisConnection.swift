import CHiredis
import Foundation

/// One hiredis connection. Its calls block, so the client runs them on a thread pool, and only one
/// task uses a connection at a time (the pool hands it out), which is why it may cross tasks.
final class RedisConnection: @unchecked Sendable {
    private let context: UnsafeMutablePointer<redisContext>

    /// Connects, authenticates and selects the database.
    init(_ configuration: RedisConfiguration) throws {
        let timeout = Self.timeval(configuration.timeout)
        guard let context = redisConnectWithTimeout(configuration.host, Int32(configuration.port), timeout) else {
            throw StoreError(.unavailable, "cannot allocate a Redis connection")
        }
        guard context.pointee.err == 0 else {
            let message = Self.errorText(context)
            redisFree(context)
            throw StoreError(.unavailable, "cannot connect to Redis: \(message)")
        }
        redisSetTimeout(context, timeout)
        self.context = context
        if let password = configuration.password {
            let auth = configuration.username.map { ["AUTH", $0, password] } ?? ["AUTH", password]
            if case .error = try pipeline([auth])[0] { throw StoreError(.unavailable, "Redis refused the credentials") }
        }
        if configuration.database != 0,
            case .error(let message) = try pipeline([["SELECT", "\(configuration.database)"]])[0]
        {
            throw StoreError(.invalidConfiguration, "Redis refused the database: \(message)")
        }
    }

    deinit {
        redisFree(context)
    }

    /// Sends every command, then reads every reply: one round trip for the lot.
    /// - Throws: ``StoreError`` `unavailable` when the connection fails; it must then be discarded.
    func pipeline(_ commands: [[String]]) throws -> [RedisReply] {
        for command in commands {
            let arguments = command.map { strdup($0) }
            defer { arguments.forEach { free($0) } }
            var pointers = arguments.map { UnsafePointer($0) }
            let lengths = command.map { $0.utf8.count }
            let status = redisAppendCommandArgv(context, Int32(command.count), &pointers, lengths)
            guard status == REDIS_OK else { throw connectionError() }
        }
        var replies: [RedisReply] = []
        for _ in commands {
            var raw: UnsafeMutableRawPointer?
            guard redisGetReply(context, &raw) == REDIS_OK, let raw else { throw connectionError() }
            let reply = raw.assumingMemoryBound(to: redisReply.self)
            replies.append(Self.copy(reply))
            freeReplyObject(reply)
        }
        return replies
    }

    private func connectionError() -> StoreError {
        StoreError(.unavailable, "Redis connection failed: \(Self.errorText(context))")
    }

    private static func copy(_ reply: UnsafeMutablePointer<redisReply>) -> RedisReply {
        let value = reply.pointee
        func text() -> String {
            guard let pointer = value.str else { return "" }
            return String(decoding: UnsafeRawBufferPointer(start: pointer, count: Int(value.len)), as: UTF8.self)
        }
        switch value.type {
        case REDIS_REPLY_STRING, REDIS_REPLY_STATUS: return .string(text())
        case REDIS_REPLY_INTEGER: return .integer(value.integer)
        case REDIS_REPLY_ERROR: return .error(text())
        case REDIS_REPLY_ARRAY:
            return .array((0..<Int(value.elements)).map { copy(value.element[$0]!) })
        default: return .null
        }
    }

    private static func errorText(_ context: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: context.pointee.errstr) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    private static func timeval(_ duration: Duration) -> Glibc.timeval {
        let (seconds, attoseconds) = duration.components
        return Glibc.timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
    }
}
