import LogModel
import Patterns
import TestSupport
import Testing

/// The template miner: tokens, masking, how templates form and generalise, and that mining is
/// deterministic.
@Suite("Pattern miner")
struct PatternMinerTests {
    @Test(
        "values are masked inside the punctuation bound to them",
        arguments: [
            ("42", "<*>"), ("0x1f3a", "<*>"), ("10.0.0.1:22", "<*>"), ("(pid=42),", "(pid=<*>),"),
            ("user=alice", "user=alice"), ("ready=true,policy=3", "ready=true,policy=<*>"),
            ("index:12", "index:<*>"), ("/var/log/syslog", "<*>"), ("https://example.com/a", "https:<*>"),
            ("ops@example.com", "<*>"), (#"tag="*alarm*""#, #"tag="<*>""#), ("failed.", "failed."),
            ("1.5s,", "<*>,"), ("3f2504e0-4f89-11d3-9a0c-0305e82c3301", "<*>"), ("[preauth]", "[preauth]"),
            ("done:", "done:"), ("()", "()"),
        ])
    func masking(token: String, masked: String) {
        #expect(Masking.mask(Substring(token)) == masked)
    }

    @Test("tokens are the words between whitespace, punctuation kept with them")
    func tokens() {
        #expect(Tokenizer.tokens("  a  b,\tc=(1)\n") == ["a", "b,", "c=(1)"])
        #expect(Tokenizer.tokens("") == [])
    }

    @Test("lines that differ only in values share a template from the first line on")
    func valuesShareTemplate() {
        var miner = PatternMiner()
        let first = miner.add("Accepted password for root from 10.0.0.1 port 51234 ssh2")
        let second = miner.add("Accepted password for root from 192.168.1.9 port 22 ssh2")
        #expect(first == second)
        #expect(miner.clusters[first].template == "Accepted password for root from <*> port <*> <*>")
        #expect(miner.clusters[first].count == 2)
    }

    @Test("a template generalises where its lines differ in a word, keeping a name before the value")
    func generalises() {
        var miner = PatternMiner()
        let lines = [
            "session opened for user alice by login uid=0 on tty console",
            "session opened for user bob by login uid=0 on tty console",
            "session opened for user carol by login uid=0 on tty console",
        ]
        let clusters = Set(lines.map { miner.add($0) })
        #expect(clusters.count == 1)
        #expect(
            miner.clusters[clusters.first!].template == "session opened for user <*> by login uid=<*> on tty console")
        var named = PatternMiner()
        let index = named.add("login failed for user=root from host a b c d e f g h")
        named.add("login failed for user=guest from host a b c d e f g h")
        #expect(named.clusters[index].template == "login failed for user=<*> from host a b c d e f g h")
    }

    @Test("different events stay apart: other words, other token counts, other leading words")
    func eventsStayApart() {
        var miner = PatternMiner()
        let lines = [
            "Starting TrustedInstaller initialization.", "Starting TrustedInstaller finalization.",
            "Starting TrustedInstaller initialization now.", "Ending TrustedInstaller initialization.",
        ]
        #expect(Set(lines.map { miner.add($0) }).count == 4)
    }

    @Test("lines that start with values route by their first constant words, not into one branch")
    func leadingValues() {
        var miner = PatternMiner()
        let first = miner.add("081109 203615 148 INFO dfs.DataNode: Receiving block blk_1 src: /10.0.0.1:5000")
        let second = miner.add("081110 103615 2 INFO dfs.DataNode: Receiving block blk_2 src: /10.0.0.9:5001")
        let other = miner.add("081109 203616 148 WARN dfs.DataNode: Receiving block blk_1 src: /10.0.0.1:5000")
        #expect(first == second)
        #expect(first != other)
        #expect(miner.clusters[first].template == "<*> <*> <*> INFO dfs.DataNode: Receiving block <*> src: <*>")
    }

    @Test("past the most templates, lines that join none share the template of as many values as they have tokens")
    func templateLimit() {
        var miner = PatternMiner(configuration: .init(maxTemplates: 3))
        let words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"]
        let lines = words.indices.map { index in
            (0..<4).map { words[(index + $0 * 3) % words.count] + words[index] }.joined(separator: " ")
        }
        let indexes = lines.map { miner.add($0) }
        #expect(miner.clusters.count == 4)
        #expect(miner.clusters[indexes.last!].template == "<*> <*> <*> <*>")
        #expect(miner.clusters[indexes.last!].count == 7)
        let short = miner.add("one two")
        #expect(miner.clusters[short].template == "<*> <*>")
    }

    @Test("IDs name templates by their text, the same in every miner, and read back from hex and columns")
    func ids() {
        #expect(PatternID(template: "a <*>") == PatternID(template: "a <*>"))
        #expect(PatternID(template: "a <*>") != PatternID(template: "b <*>"))
        #expect(PatternID(template: "").description == "cbf29ce484222325")
        #expect(PatternID("CBF29CE484222325") == PatternID(template: ""))
        #expect(PatternID("cbf29ce48422232") == nil)
        #expect(PatternID("cbf29ce48422232g") == nil)
        let id = PatternID(template: "a <*>")
        #expect(PatternID(storedValue: id.storedValue) == id)
        #expect(PatternID(value: 1).description == "0000000000000001")
    }

    @Test("an assignment names the template a line is in, and the ID the line made it replace")
    func assignment() {
        var miner = PatternMiner()
        let first = miner.assign("worker alpha started task in queue main")
        #expect(first.template == "worker alpha started task in queue main")
        #expect(first.replaced == nil)
        let second = miner.assign("worker alpha started job in queue main")
        #expect(second.template == "worker alpha started <*> in queue main")
        #expect(second.replaced == first.id)
        #expect(second.id == PatternID(template: second.template))
        let third = miner.assign("worker alpha started batch in queue main")
        #expect(third.id == second.id)
        #expect(third.replaced == nil)
    }

    @Test("mining is deterministic: the same lines in the same order give the same templates and grouping")
    func deterministic() {
        var generator = SeededGenerator(seed: 7)
        let words = ["disk", "full", "user", "login", "failed", "ok", "retry", "timeout", "cache", "miss"]
        let lines = (0..<2000).map { _ in
            (0..<Int(3 + generator.next() % 5)).map { _ in
                generator.next() % 3 == 0 ? String(generator.next() % 1000) : words[Int(generator.next() % 10)]
            }.joined(separator: " ")
        }
        var first = PatternMiner()
        var second = PatternMiner()
        let firstGrouping = lines.map { first.add($0) }
        let secondGrouping = lines.map { second.add($0) }
        #expect(firstGrouping == secondGrouping)
        #expect(first.clusters.map(\.template) == second.clusters.map(\.template))
    }

    @Test(
        "replicas mining their shares of the same lines converge on one set of templates and IDs",
        arguments: ["Linux", "OpenSSH", "HDFS", "Android"])
    func replicasConverge(system: String) throws {
        let lines = try TestData.csv("loghub/\(system)/\(system)_2k.log_structured.csv").map { $0["Content"] ?? "" }
        var generator = SeededGenerator(seed: 11)
        var replicas = [PatternMiner(), PatternMiner()]
        var mined: [(replica: Int, cluster: Int)] = []
        for line in lines {
            let replica = Int(generator.next() % 2)
            mined.append((replica, replicas[replica].add(line)))
        }
        let first = replicas[0].clusters.map(\.template)
        let second = replicas[1].clusters.map(\.template)
        let (seenByFirst, mergedByFirst) = PatternMiner.reconciling(first + second)
        let (seenBySecond, mergedBySecond) = PatternMiner.reconciling((second + first).reversed())
        #expect(seenByFirst.clusters.map(\.template) == seenBySecond.clusters.map(\.template))
        #expect(mergedByFirst == mergedBySecond)
        let known = Set(seenByFirst.clusters.map(\.id))
        for (replica, cluster) in mined {
            let id = replicas[replica].clusters[cluster].id
            #expect(known.contains(mergedByFirst[id] ?? id))
        }
        let (again, mergedAgain) = PatternMiner.reconciling(seenByFirst.clusters.map(\.template))
        #expect(again.clusters.map(\.template) == seenByFirst.clusters.map(\.template))
        #expect(mergedAgain.isEmpty)
    }

    @Test("reconciling merges templates alike whichever side holds the value")
    func reconcilingMerges() {
        let (miner, merged) = PatternMiner.reconciling([
            "session opened for user <*> by login", "session opened for user root by login",
            "disk full on <*>",
        ])
        #expect(
            miner.clusters.map(\.template).sorted() == ["disk full on <*>", "session opened for user <*> by login"])
        #expect(
            merged == [
                PatternID(template: "session opened for user root by login"): PatternID(
                    template: "session opened for user <*> by login")
            ])
    }
}
