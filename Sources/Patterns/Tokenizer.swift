/// Splits a message into the tokens the miner compares: its words, split at whitespace. A word keeps
/// the punctuation bound to it (`user=alice,` stays one token), so a value that is sometimes empty
/// (`()` against `(10.0.0.1)`) does not change the number of tokens; ``Masking`` masks the value
/// inside the punctuation.
public enum Tokenizer {
    /// The tokens of `message`, in order.
    public static func tokens(_ message: some StringProtocol) -> [Substring] {
        message.split(whereSeparator: \.isWhitespace).map { Substring($0) }
    }
}
