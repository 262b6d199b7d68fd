public import LogModel

extension PatternMiner {
    /// A miner holding a set of templates, those alike merged, and where each given template went.
    ///
    /// This is how processes that mine their own shares of one tenant's lines converge: each stores
    /// the templates it gives, and any process that reconciles the same stored set gets the same
    /// miner, whatever the order it found them in, because the templates are taken in the order of
    /// their IDs. A template joins the most similar group of its route, as a line would, except that
    /// either side's `<*>` agrees with the other's token, and it is given the template a line of that
    /// group would be. Rounds repeat until none merges, since a group that generalised may have
    /// become alike to another of its route.
    /// - Returns: the miner, whose clusters count the templates they took, and the ID each given
    ///   template now has, for those that changed.
    public static func reconciling(
        _ templates: some Sequence<String>, configuration: Configuration = .init()
    ) -> (miner: PatternMiner, merged: [PatternID: PatternID]) {
        var texts = Dictionary(templates.map { (PatternID(template: $0), $0) }, uniquingKeysWith: { first, _ in first })
        var sources = Dictionary(uniqueKeysWithValues: texts.keys.map { ($0, [$0]) })
        while true {
            var miner = PatternMiner(configuration: configuration)
            var taken: [(index: Int, tokens: [String], sources: [PatternID])] = []
            for (id, text) in texts.sorted(by: { $0.key < $1.key }) {
                let tokens = text.split(separator: " ").map(String.init)
                taken.append((miner.join(tokens, either: true, limited: false).index, tokens, sources[id, default: []]))
            }
            var next: [PatternID: [PatternID]] = [:]
            for (index, tokens, given) in taken {
                let template = miner.clusters[index].template(for: tokens).joined(separator: " ")
                let id = PatternID(template: template)
                next[id, default: []] += given
                texts[id] = template
            }
            guard next.count < sources.count else {
                var merged: [PatternID: PatternID] = [:]
                for (id, given) in next {
                    for source in given where source != id { merged[source] = id }
                }
                return (miner, merged)
            }
            texts = texts.filter { next[$0.key] != nil }
            sources = next
        }
    }
}
