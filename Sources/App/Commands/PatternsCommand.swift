import ArgumentParser
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

        func run() {
            var miner = PatternMiner()
            var assigned: [Int] = []
            while let line = readLine(strippingNewline: true) {
                assigned.append(miner.add(line))
            }
            for cluster in assigned.map({ miner.clusters[$0] }) {
                print(templates ? "\(cluster.id)\t\(cluster.template)" : cluster.id)
            }
        }
    }
}
