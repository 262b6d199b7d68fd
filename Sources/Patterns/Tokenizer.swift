/// Splits a message into the tokens the miner compares: its words, split at ASCII whitespace. A word
/// keeps the punctuation bound to it (`user=alice,` stays one token), so a value that is sometimes
/// empty (`()` against `(10.0.0.1)`) does not change the number of tokens; ``Masking`` masks the
/// value inside the punctuation.
public enum Tokenizer {
    /// The tokens of `message`, in order.
    public static func tokens(_ message: some StringProtocol) -> [Substring] {
        let text = Substring(message)
        var tokens: [Substring] = []
        var start: String.Index?
        for index in text.utf8.indices {
            if isSpace(text.utf8[index]) {
                if let first = start { tokens.append(text[first..<index]) }
                start = nil
            } else if start == nil {
                start = index
            }
        }
        if let first = start { tokens.append(text[first...]) }
        return tokens
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }
}
