extension StringProtocol {
    /// The text without leading and trailing spaces and tabs (HTTP's optional white space), found
    /// without Foundation's `trimmingCharacters(in:)`, which bridges through `NSString` on every
    /// request that reads a header.
    public var trimmingBlanks: SubSequence {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isBlank($0) }), let last = lastIndex(where: { !isBlank($0) }) else {
            return self[endIndex...]
        }
        return self[first...last]
    }
}
