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
            var replacedBy = Array(repeating: [PatternID: PatternID](), count: replicas)
            var assigned: [(miner: Int, id: PatternID)] = []
            while let line = readLine(strippingNewline: true) {
                let miner = assigned.count % replicas
                let assignment = miners[miner].assign(line)
                replacedBy[miner].merge(assignment.replaced) { _, new in new }
                assigned.append((miner, assignment.id))
            }
            let (reconciled, merged) =
                replicas > 1
                ? PatternMiner.reconciling(miners.flatMap(\.templates.values)) : (miners[0], [:])
            let texts = reconciled.templates
            for (miner, given) in assigned {
                let latest = replacedBy[miner].latest(given)
                let id = merged[latest] ?? latest
                print(templates ? "\(id)\t\(texts[id] ?? "")" : id)
            }
        }
    }
}
