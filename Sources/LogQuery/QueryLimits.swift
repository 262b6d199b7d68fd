/// Bounds on the shape of a query, checked while it is read so that no query, whatever its text,
/// can overflow the parser's stack or make the store do unbounded work.
public struct QueryLimits: Sendable, Hashable {
    /// Most UTF-8 bytes in the query text.
    public var maxBytes: Int
    /// Deepest nesting of parentheses and negations.
    public var maxDepth: Int
    /// Most terms (words, phrases and `field:value` conditions).
    public var maxTerms: Int
    /// Most `*` wildcards in the whole query.
    public var maxWildcards: Int
    /// Most UTF-8 bytes in one term's value (a word, phrase, substring or field value).
    public var maxTermBytes: Int

    /// Creates limits.
    public init(maxBytes: Int, maxDepth: Int, maxTerms: Int, maxWildcards: Int, maxTermBytes: Int) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxTerms = maxTerms
        self.maxWildcards = maxWildcards
        self.maxTermBytes = maxTermBytes
    }

    /// 4 KiB of text, 32 levels of nesting, 64 terms, 16 wildcards, 256 bytes per term.
    public static let `default` = QueryLimits(
        maxBytes: 4096, maxDepth: 32, maxTerms: 64, maxWildcards: 16, maxTermBytes: 256)
}
