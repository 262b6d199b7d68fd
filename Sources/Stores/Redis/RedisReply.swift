/// One reply from Redis, copied out of hiredis's memory.
public enum RedisReply: Sendable, Equatable {
    /// A bulk or simple string.
    case string(String)
    /// An integer.
    case integer(Int64)
    /// An array of replies.
    case array([RedisReply])
    /// The nil reply.
    case null
    /// An error reply (`ERR ...`, `NOSCRIPT ...`).
    case error(String)

    /// The string, when this is one.
    public var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }
}
