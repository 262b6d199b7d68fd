/// An online template miner of the Drain family (He et al., ICWS 2017): each line joins the most
/// similar template among those with its token count and leading words, or starts a new one, and a
/// template generalises (`<*>` where its lines differ) as lines join it.
///
/// Values are masked before clustering (``Masking``), so lines that differ only in values route
/// alike in the tree (a value among the leading tokens routes as `<*>`). Similarity is the share of
/// positions where the template and the line agree, a template's `<*>` agreeing with anything; a
/// line joins a template when that share is at least ``Configuration/similarity``. One configuration serves every kind of log. Mining is
/// deterministic: the same lines in the same order give the same templates.
public struct PatternMiner: Sendable {
    /// The miner's parameters.
    public struct Configuration: Sendable {
        /// Leading tokens that route a line in the tree before templates are compared. Default 2.
        public var leadingTokens: Int
        /// Least share of agreeing positions for a line to join a template. Default 0.8: with values
        /// masked first, the tokens left to differ are mostly words, which set events apart.
        public var similarity: Double

        /// Creates a configuration.
        public init(leadingTokens: Int = 2, similarity: Double = 0.8) {
            self.leadingTokens = leadingTokens
            self.similarity = similarity
        }
    }

    /// A template and how many lines it holds.
    public struct Cluster: Sendable {
        /// The template's tokens, `<*>` for values.
        public fileprivate(set) var tokens: [String]
        /// Lines that joined it.
        public fileprivate(set) var count: Int

        /// The template as text: its tokens joined by spaces.
        public var template: String { tokens.joined(separator: " ") }
        /// The template's ID: 16 hex digits of the 64-bit FNV-1a hash of its text, so every process
        /// that finds the same template names it alike.
        public var id: String { PatternMiner.id(ofTemplate: template) }
    }

    /// The ID of a template's text (see ``Cluster/id``).
    public static func id(ofTemplate template: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in template.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    private struct Route: Hashable {
        var length: Int
        var leading: [String]
    }

    /// Every template, in the order they were first seen.
    public private(set) var clusters: [Cluster] = []
    private var routes: [Route: [Int]] = [:]
    private let configuration: Configuration

    /// Creates an empty miner.
    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
    }

    /// Adds a line and returns the position of its template in ``clusters``.
    @discardableResult
    public mutating func add(_ message: some StringProtocol) -> Int {
        let tokens = Tokenizer.tokens(message).map(Masking.mask)
        let route = Route(length: tokens.count, leading: Array(tokens.prefix(configuration.leadingTokens)))
        let candidates = routes[route, default: []]
        var best: (index: Int, score: Double)?
        for index in candidates {
            let score = Self.similarity(clusters[index].tokens, tokens)
            if score >= configuration.similarity, score > best?.score ?? -1 { best = (index, score) }
        }
        guard let (index, _) = best else {
            clusters.append(Cluster(tokens: tokens, count: 1))
            routes[route, default: []].append(clusters.count - 1)
            return clusters.count - 1
        }
        clusters[index].count += 1
        for position in tokens.indices where !Self.agree(clusters[index].tokens[position], tokens[position]) {
            clusters[index].tokens[position] = Self.merge(clusters[index].tokens[position], tokens[position])
        }
        return index
    }

    private static func similarity(_ template: [String], _ tokens: [String]) -> Double {
        guard !tokens.isEmpty else { return 1 }
        var agreeing = 0
        for position in tokens.indices where agree(template[position], tokens[position]) { agreeing += 1 }
        return Double(agreeing) / Double(tokens.count)
    }

    /// Whether a line's token fits a template's: the same, or `<*>` in the template, or both with the
    /// same delimiters and every segment of the template `<*>` or the line's.
    private static func agree(_ template: String, _ token: String) -> Bool {
        if template == token || template == Masking.wildcard { return true }
        guard template.utf8.contains(UInt8(ascii: "*")) else { return false }
        let (templateParts, tokenParts) = (
            Masking.parts(of: Array(template.utf8)), Masking.parts(of: Array(token.utf8))
        )
        guard templateParts.count == tokenParts.count else { return false }
        return zip(templateParts, tokenParts).allSatisfy { pair in
            switch pair {
            case (.segment(let template, _), .segment(let token, _)):
                template == token || template.elementsEqual(Masking.wildcardBytes)
            default: pair.0 == pair.1
            }
        }
    }

    /// A template's token generalised to take a line's: segment by segment when both have the same
    /// delimiters (`user=root` and `user=guest` give `user=<*>`), else `<*>`.
    private static func merge(_ template: String, _ token: String) -> String {
        let (templateParts, tokenParts) = (
            Masking.parts(of: Array(template.utf8)), Masking.parts(of: Array(token.utf8))
        )
        guard templateParts.count == tokenParts.count,
            zip(templateParts, tokenParts).allSatisfy({ pair in
                if case .delimiter = pair.0 { pair.0 == pair.1 } else { true }
            })
        else { return Masking.wildcard }
        var merged: [UInt8] = []
        for pair in zip(templateParts, tokenParts) {
            switch pair {
            case (.delimiter(let byte), _): merged.append(byte)
            case (.segment(let template, _), .segment(let token, _)):
                merged += template == token ? Array(template) : Masking.wildcardBytes
            default: merged += Masking.wildcardBytes
            }
        }
        return String(decoding: merged, as: UTF8.self)
    }
}
