public import LogModel

extension PatternMiner {
    /// A miner holding a set of templates, those alike merged, and where each given template went.
    ///
    /// This is how processes that mine their own shares of one tenant's lines converge: each stores
    /// the templates it finds, and any process that reconciles the same stored set gets the same
    /// miner, whatever the order it found them in, because the templates are taken in the order of
    /// their IDs. A template joins the most similar one of its route, as a line would, except that
    /// either side's `<*>` agrees with the other's token, and the two generalise to what covers both.
    /// Rounds repeat until none merges, since a template that generalised may have become alike to
    /// another of its route.
    /// - Returns: the miner, whose clusters count the templates they took, and the ID each given
    ///   template now has, for those that changed.
    public static func reconciling(
        _ templates: some Sequence<String>, configuration: Configuration = .init()
    ) -> (miner: PatternMiner, merged: [PatternID: PatternID]) {
        var texts = Dictionary(templates.map { (PatternID(template: $0), $0) }, uniquingKeysWith: { first, _ in first })
        var sources = Dictionary(uniqueKeysWithValues: texts.keys.map { ($0, [$0]) })
        while true {
            var miner = PatternMiner(configuration: configuration)
            var taken: [Int: [PatternID]] = [:]
            for (id, text) in texts.sorted(by: { $0.key < $1.key }) {
                let tokens = text.split(separator: " ").map(String.init)
                taken[miner.join(tokens, either: true, limited: false).index, default: []] += sources[id, default: []]
            }
            guard miner.clusters.count < texts.count else {
                var merged: [PatternID: PatternID] = [:]
                for (id, given) in sources {
                    for source in given where source != id { merged[source] = id }
                }
                return (miner, merged)
            }
            texts = Dictionary(miner.clusters.map { ($0.id, $0.template) }, uniquingKeysWith: { first, _ in first })
            sources = [:]
            for (index, given) in taken { sources[miner.clusters[index].id, default: []] += given }
        }
    }
}
