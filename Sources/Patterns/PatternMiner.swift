public import LogModel

/// An online template miner of the Drain family (He et al., ICWS 2017): each line joins the most
/// similar group among those with its token count and leading words, or starts a new one, and a
/// group's template generalises (`<*>` where its lines differ) as lines join it, once a position has
/// shown enough different words to be a value (``Cluster``).
///
/// Values are masked before clustering (``Masking``), so lines that differ only in values route
/// alike in the tree (a value among the leading tokens routes as `<*>`). Similarity is the share of
/// positions where the template and the line agree, a template's `<*>` agreeing with anything; a
/// line joins a group when that share is at least ``Configuration/similarity``. One configuration
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
        /// Most groups the miner makes from lines. Past it, a line that joins none of them joins
        /// the template of as many `<*>` as it has tokens, so that lines that share nothing (random
        /// text, a flood of made-up messages) cost a bounded amount of memory. Default 10,000.
        public var maxTemplates: Int
        /// Different tokens a position of a group must show before the templates given to its lines
        /// hold a value there (``Cluster``). Default 4.
        public var distinctValues: Int

        /// Creates a configuration.
        public init(
            leadingTokens: Int = 2, similarity: Double = 0.8, maxTemplates: Int = 10_000, distinctValues: Int = 4
        ) {
            self.leadingTokens = leadingTokens
            self.similarity = similarity
            self.maxTemplates = maxTemplates
            self.distinctValues = distinctValues
        }
    }

    /// A group of lines: the template that covers them all, and the templates given to its lines.
    ///
    /// A position where the group's lines have shown fewer than ``Configuration/distinctValues``
    /// different tokens keeps each line's token in the template the line is given: `user=root` and
    /// `user=guest` are two templates of one group until a further user shows the position holds a
    /// value, when they are replaced by `user=<*>` (as He et al.'s Drain would have from the second
    /// line). So a few constant variants of an event stay apart, as LogHub labels them, while
    /// values that are not masked (user names, host names) still fold into one template.
    public struct Cluster: Sendable {
        /// The template covering every line of the group, `<*>` wherever they differ.
        public internal(set) var tokens: [String] {
            didSet { (text, id) = Self.named(tokens) }
        }
        /// The covering template's text and ID, kept with its tokens: the template given to every
        /// line while no position has few variants.
        private var text: String
        private var id: PatternID
        /// Lines that joined it.
        public internal(set) var count: Int
        /// Positions where the lines have shown more than one token but fewer than
        /// ``Configuration/distinctValues``, with the tokens shown.
        var variants: [Int: Set<String>] = [:]
        /// Positions that hold values: ``tokens``' token stands in every template given.
        var settled: Set<Int> = []
        /// The templates given to lines, by their ID.
        var given: [PatternID: [String]] = [:]

        init(tokens: [String]) {
            self.tokens = tokens
            count = 0
            (text, id) = Self.named(tokens)
        }

        private static func named(_ tokens: [String]) -> (String, PatternID) {
            let text = tokens.joined(separator: " ")
            return (text, PatternID(template: text))
        }

        /// The template given to a line of the group: the covering template with the line's token at
        /// every position of few variants.
        func template(for line: [String]) -> [String] {
            var template = tokens
            for position in variants.keys { template[position] = line[position] }
            return template
        }

        /// Takes a line that joined the group: notes its tokens where the lines differ, generalises
        /// the covering template, and gives the line its template. A position settles (holds a value)
        /// when it has shown `distinctValues` tokens, or at once when a token shows it holds a value
        /// (``isValue(_:at:in:)``); every position settles when the group would give more than
        /// `distinctValues` squared templates, which bounds what a group holds. Returns the templates
        /// given before that settling or generalising replaced, with what replaced them.
        mutating func take(_ line: [String], distinctValues: Int) -> (
            id: PatternID, template: String, replaced: [PatternID: PatternID]
        ) {
            count += 1
            var changed = false
            for position in line.indices where !settled.contains(position) {
                let token = line[position]
                if let seen = variants.index(forKey: position) {
                    variants.values[seen].insert(token)
                    guard variants.values[seen].count >= distinctValues || isValue(token, at: position, in: line)
                    else { continue }
                } else {
                    guard !PatternMiner.agree(tokens[position], token) else { continue }
                    variants[position] = [tokens[position], token]
                    guard distinctValues <= 2 || isValue(token, at: position, in: line) else { continue }
                }
                settle(position)
                changed = true
            }
            for position in line.indices where !PatternMiner.agree(tokens[position], line[position]) {
                tokens[position] = PatternMiner.merge(tokens[position], line[position])
                changed = changed || settled.contains(position)
            }
            var template = variants.isEmpty ? tokens : self.template(for: line)
            var (text, id) = variants.isEmpty ? (self.text, self.id) : Self.named(template)
            if given[id] == nil, !variants.isEmpty, given.count >= distinctValues * distinctValues {
                for position in Array(variants.keys) { settle(position) }
                (template, text, id) = (tokens, self.text, self.id)
                changed = true
            }
            let replaced = changed ? regive() : [:]
            if given[id] == nil { given[id] = template }
            return (id, text, replaced)
        }

        /// Whether a line's token that differs from the group's shows the position holds a value:
        /// it covers the group's token (a masked value where the others had a word), or either is a
        /// unit after a masked number (`ms` and `us`, `B` and `KB`: the number's unit).
        private func isValue(_ token: String, at position: Int, in line: [String]) -> Bool {
            PatternMiner.agree(token, tokens[position])
                || (position > 0 && line[position - 1] == Masking.wildcard
                    && (Masking.isUnit(token) || Masking.isUnit(tokens[position])))
        }

        private mutating func settle(_ position: Int) {
            variants[position] = nil
            settled.insert(position)
        }

        /// Gives the templates given before anew, after positions settled or the covering template
        /// changed, and returns those that changed with what replaced them.
        private mutating func regive() -> [PatternID: PatternID] {
            var replaced: [PatternID: PatternID] = [:]
            var regiven: [PatternID: [String]] = [:]
            for (id, template) in given {
                let updated = self.template(for: template)
                let updatedID = PatternID(template: updated.joined(separator: " "))
                if updatedID != id { replaced[id] = updatedID }
                regiven[updatedID] = updated
            }
            given = regiven
            return replaced
        }
    }

    /// Where a line went: the template given to it, and the templates given before that its line made
    /// more general.
    public struct Assignment: Sendable, Hashable {
        /// The template's ID.
        public var id: PatternID
        /// The template's text.
        public var template: String
        /// Templates given to earlier lines that this line replaced, with the ID that replaced each:
        /// lines given those IDs before now belong to the other.
        public var replaced: [PatternID: PatternID]
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
            leading.reserveCapacity(leadingTokens)
            positions.reserveCapacity(leadingTokens)
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

    /// Every template given to lines, by its ID.
    public var templates: [PatternID: String] {
        var templates: [PatternID: String] = [:]
        for cluster in clusters {
            for (id, tokens) in cluster.given { templates[id] = tokens.joined(separator: " ") }
        }
        return templates
    }

    /// Adds a line and returns its template's ID and text, and the templates given before that the
    /// line made more general.
    public mutating func assign(_ message: some StringProtocol) -> Assignment {
        let given = join(Tokenizer.tokens(message, Masking.mask))
        return Assignment(id: given.id, template: given.template, replaced: given.replaced)
    }

    /// Puts masked tokens in the most similar group of their route, or in a new one, and returns the
    /// group's position in ``clusters``, the ID and text of the template given to the tokens, and the
    /// templates given before that they replaced. With `either`, a `<*>` in the tokens agrees with the template's
    /// token too (a template joining another, see ``reconciling(_:configuration:)``). With `limited`,
    /// past ``Configuration/maxTemplates`` tokens that join none go to the template of as many `<*>`.
    mutating func join(_ tokens: [String], either: Bool = false, limited: Bool = true)
        -> (index: Int, id: PatternID, template: String, replaced: [PatternID: PatternID])
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
        let index: Int
        if let best {
            index = best.index
        } else {
            guard clusters.count < configuration.maxTemplates || !limited else {
                return join(Array(repeating: Masking.wildcard, count: tokens.count), limited: false)
            }
            clusters.append(Cluster(tokens: tokens))
            index = clusters.count - 1
            routes[route, default: []].append(index)
        }
        let (id, template, replaced) = clusters[index].take(tokens, distinctValues: configuration.distinctValues)
        return (index, id, template, replaced)
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

extension [PatternID: PatternID] {
    /// The ID that `id` ends up as when each key was replaced by its value, in turn: `id` itself when
    /// none replaced it.
    public func latest(_ id: PatternID) -> PatternID {
        var id = id
        while let next = self[id] { id = next }
        return id
    }
}
