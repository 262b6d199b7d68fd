import Testing

/// `logsmith patterns mine`: the service's miner on standard input, for accuracy runs.
@Suite("Patterns command")
struct PatternsCommandTests {
    @Test("each line's ID is that of the template it ended in, alone and mined as replicas", arguments: [1, 2])
    func cli_minesLines(replicas: Int) throws {
        let users = ["alice", "bob", "carol", "dave"].map { "session opened for user \($0) by login" }
        let lines =
            users + ["disk full on /dev/sda1", "disk full on /dev/sdb2", "session opened for user erin by login"]
        let mined = try runLogsmith(
            ["patterns", "mine", "--templates", "--replicas", String(replicas)], input: lines.joined(separator: "\n"))
        #expect(mined.status == 0)
        let rows = mined.output.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        #expect(
            rows.map { $0.last } == Array(repeating: "session opened for user <*> by login", count: 4) + [
                "disk full on <*>", "disk full on <*>", "session opened for user <*> by login",
            ])
        #expect(Set(rows.map { $0.first }).count == 2)
    }
}
