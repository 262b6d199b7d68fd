import ArgumentParser
import LogModel
import Patterns

/// `logsmith patterns`: the pattern miner without a server.
struct PatternsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patterns", abstract: "Mine log patterns.", subcommands: [Mine.self])

    /// Reads messages on standard input and prints the pattern ID of each, in order.
    struct Mine: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: """
                Read one message per line on standard input; print each line's pattern ID, in order, \
                once all are read (the ID of the template its line ended up in), with the service's miner.
                """)

        @Flag(help: "Print the template's text after each ID, separated by a tab.") var templates = false

        @Option(
            help: """
                Mine as this many replicas would: line n goes to miner n mod N, and the miners' templates \
                are then reconciled as the service's replicas reconcile theirs.
                """)
        var replicas = 1

        func validate() throws {
            guard (1...64).contains(replicas) else { throw ValidationError("--replicas must be 1 to 64") }
        }

        func run() {
            var miners = Array(repeating: PatternMiner(), count: replicas)
            var assigned: [(miner: Int, index: Int)] = []
            while let line = readLine(strippingNewline: true) {
                let miner = assigned.count % replicas
                assigned.append((miner, miners[miner].add(line)))
            }
            var reconciled: [PatternID: (id: PatternID, template: String)] = [:]
            if replicas > 1 {
                let (miner, merged) = PatternMiner.reconciling(miners.flatMap { $0.clusters.map(\.template) })
                let texts = Dictionary(
                    miner.clusters.map { ($0.id, $0.template) }, uniquingKeysWith: { first, _ in first })
                for (from, to) in merged { reconciled[from] = (to, texts[to] ?? "") }
            }
            for (miner, index) in assigned {
                let cluster = miners[miner].clusters[index]
                let (id, template) = reconciled[cluster.id] ?? (cluster.id, cluster.template)
                print(templates ? "\(id)\t\(template)" : id)
            }
        }
    }
}
