public import LogModel

/// An online template miner of the Drain family (He et al., ICWS 2017): each line joins the most
/// similar template among those with its token count and leading words, or starts a new one, and a
/// template generalises (`<*>` where its lines differ) as lines join it.
///
/// Values are masked before clustering (``Masking``), so lines that differ only in values route
/// alike in the tree (a value among the leading tokens routes as `<*>`). Similarity is the share of
/// positions where the template and the line agree, a template's `<*>` agreeing with anything; a
/// line joins a template when that share is at least ``Configuration/similarity``. One configuration
/// serves every kind of log. Mining is deterministic: the same lines in the same order give the same
/// templates.
public struct PatternMiner: Sendable {
    /// The miner's parameters.
    public struct Configuration: Sendable {
        /// Leading constant tokens that route a line in the tree before templates are compared. Default 2.
        public var leadingTokens: Int
        /// Least share of agreeing positions for a line to join a template. Default 0.8: with values
        /// masked first, the tokens left to differ are mostly words, which set events apart.
        public var similarity: Double
        /// Most templates the miner makes from lines. Past it, a line that joins none of them joins
        /// the template of as many `<*>` as it has tokens, so that lines that share nothing (random
        /// text, a flood of made-up messages) cost a bounded amount of memory. Default 10,000.
        public var maxTemplates: Int

        /// Creates a configuration.
        public init(leadingTokens: Int = 2, similarity: Double = 0.8, maxTemplates: Int = 10_000) {
            self.leadingTokens = leadingTokens
            self.similarity = similarity
            self.maxTemplates = maxTemplates
        }
    }

    /// A template and how many lines it holds.
    public struct Cluster: Sendable {
        /// The template's tokens, `<*>` for values.
        public internal(set) var tokens: [String] {
            didSet { (template, id) = Self.named(tokens) }
        }
        /// Lines that joined it.
        public internal(set) var count: Int
        /// The template as text: its tokens joined by spaces.
        public private(set) var template: String
        /// The template's ID, from its text (``PatternID/init(template:)``).
        public private(set) var id: PatternID

        init(tokens: [String], count: Int) {
            self.tokens = tokens
            self.count = count
            (template, id) = Self.named(tokens)
        }

        private static func named(_ tokens: [String]) -> (String, PatternID) {
            let template = tokens.joined(separator: " ")
            return (template, PatternID(template: template))
        }
    }

    /// Where a line went: its template as it stands after the line joined it.
    public struct Assignment: Sendable, Hashable {
        /// The template's ID.
        public var id: PatternID
        /// The template's text.
        public var template: String
        /// The template's ID before the line generalised it, when the line did; lines assigned that ID
        /// before now belong to ``id``.
        public var replaced: PatternID?
    }

    /// Where a line goes in the tree: its token count and its first constant tokens (not `<*>`) with
    /// their positions, so that values at the start of a line (a timestamp, a client address) do not
    /// send every line of a log down one branch.
    struct Route: Hashable {
        var length: Int
        var leading: [String]
        var positions: [Int]

        init(_ tokens: [String], leadingTokens: Int) {
            length = tokens.count
            leading = []
            positions = []
            for (position, token) in tokens.enumerated() where token != Masking.wildcard {
                guard leading.count < leadingTokens else { break }
                leading.append(token)
                positions.append(position)
            }
        }
    }

    /// Every template, in the order they were first seen.
    public internal(set) var clusters: [Cluster] = []
    var routes: [Route: [Int]] = [:]
    let configuration: Configuration

    /// Creates an empty miner.
    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
    }

    /// Adds a line and returns its template's ID and text, and the ID it replaced when the line
    /// generalised the template.
    public mutating func assign(_ message: some StringProtocol) -> Assignment {
        let (index, before) = join(Tokenizer.tokens(message).map(Masking.mask))
        let cluster = clusters[index]
        return Assignment(id: cluster.id, template: cluster.template, replaced: before.map(PatternID.init(template:)))
    }

    /// Adds a line and returns the position of its template in ``clusters``.
    @discardableResult
    public mutating func add(_ message: some StringProtocol) -> Int {
        join(Tokenizer.tokens(message).map(Masking.mask)).index
    }

    /// Puts masked tokens in the most similar template of their route, or in a new one; `before` is
    /// the template's text before they generalised it, nil when they did not. With `either`, a `<*>` in
    /// the tokens agrees with the template's token too (a template joining another, see
    /// ``reconciling(_:configuration:)``). With `limited`, past ``Configuration/maxTemplates`` tokens
    /// that join none go to the template of as many `<*>`.
    mutating func join(_ tokens: [String], either: Bool = false, limited: Bool = true) -> (index: Int, before: String?)
    {
        let route = Route(tokens, leadingTokens: configuration.leadingTokens)
        var best: (index: Int, score: Double)?
        for index in routes[route, default: []] {
            guard
                let score = Self.similarity(
                    clusters[index].tokens, tokens, either: either, atLeast: configuration.similarity)
            else { continue }
            if score > best?.score ?? -1 { best = (index, score) }
        }
        guard let (index, _) = best else {
            guard clusters.count < configuration.maxTemplates || !limited else {
                return join(Array(repeating: Masking.wildcard, count: tokens.count), limited: false)
            }
            clusters.append(Cluster(tokens: tokens, count: 1))
            routes[route, default: []].append(clusters.count - 1)
            return (clusters.count - 1, nil)
        }
        clusters[index].count += 1
        var generalised = clusters[index].tokens
        for position in tokens.indices where !Self.agree(generalised[position], tokens[position]) {
            generalised[position] = Self.merge(generalised[position], tokens[position])
        }
        guard generalised != clusters[index].tokens else { return (index, nil) }
        let before = clusters[index].template
        clusters[index].tokens = generalised
        return (index, before)
    }

    /// The share of positions where the template agrees with the tokens (with `either`, also where
    /// the tokens agree with the template), or nil when it is below `least`: the comparison stops as
    /// soon as too many positions disagree for the share to reach it.
    static func similarity(_ template: [String], _ tokens: [String], either: Bool = false, atLeast least: Double)
        -> Double?
    {
        guard !tokens.isEmpty else { return 1 }
        let count = Double(tokens.count)
        var disagreeing = 0
        for position in tokens.indices
        where !agree(template[position], tokens[position]) && !(either && agree(tokens[position], template[position])) {
            disagreeing += 1
            if Double(tokens.count - disagreeing) / count < least { return nil }
        }
        return Double(tokens.count - disagreeing) / count
    }

    /// Whether a line's token fits a template's: the same, or `<*>` in the template, or both with the
    /// same delimiters and every segment of the template `<*>` or the line's.
    static func agree(_ template: String, _ token: String) -> Bool {
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
    /// delimiters (`user=root` and `user=guest` give `user=<*>`), else `<*>`. When the line's token
    /// already covers the template's (`user=<*>` against `user=root`), that is the line's token.
    static func merge(_ template: String, _ token: String) -> String {
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
