import LogModel
import LogQuery
import Testing

@Suite("QueryParser")
struct QueryParserTests {
    @Test(
        "each construct parses to its predicate",
        arguments: [
            ("", QueryNode.all),
            ("*", .all),
            ("timeout", .predicate(.messageContains("timeout"))),
            ("\"connection reset\"", .predicate(.messageContains("connection reset"))),
            ("\"say \\\"hi\\\"\"", .predicate(.messageContains("say \"hi\""))),
            ("conn*reset", .predicate(.messageMatches(Pattern("conn*reset")))),
            ("service:api", .predicate(.fieldEquals(.service, "api"))),
            ("source:web-1", .predicate(.fieldEquals(.host, "web-1"))),
            ("service:pay*", .predicate(.fieldMatches(.service, Pattern("pay*")))),
            ("service:\"two words\"", .predicate(.fieldEquals(.service, "two words"))),
            ("level:warning", .predicate(.level(.equal, .warn))),
            ("level:>=WARN", .predicate(.level(.greaterOrEqual, .warn))),
            ("attributes.user_id:42", .predicate(.attributeEquals(key: "user_id", value: "42"))),
            ("user_id:42", .predicate(.attributeEquals(key: "user_id", value: "42"))),
            ("status>=500", .predicate(.attributeCompare(key: "status", .greaterOrEqual, 500))),
            ("http.status:<300", .predicate(.attributeCompare(key: "http.status", .less, 300))),
            ("attributes.k:*", .predicate(.attributeExists(key: "k"))),
            ("path:/api/*", .predicate(.attributeMatches(key: "path", Pattern("/api/*")))),
            ("-debug", .not(.predicate(.messageContains("debug")))),
            ("NOT debug", .not(.predicate(.messageContains("debug")))),
            ("a-b", .predicate(.messageContains("a-b"))),
            ("pattern:00000000000000FF", .predicate(.pattern(PatternID(value: 255)))),
            ("attributes.pattern:x", .predicate(.attributeEquals(key: "pattern", value: "x"))),
        ])
    func parse_construct(query: String, expected: QueryNode) throws {
        #expect(try QueryParser.parse(query) == expected)
    }

    @Test("AND binds tighter than OR; parentheses group")
    func parse_precedence() throws {
        let a = QueryNode.predicate(.messageContains("a"))
        let b = QueryNode.predicate(.messageContains("b"))
        let c = QueryNode.predicate(.messageContains("c"))
        #expect(try QueryParser.parse("a b OR c") == .or([.and([a, b]), c]))
        #expect(try QueryParser.parse("a AND (b OR c)") == .and([a, .or([b, c])]))
        #expect(try QueryParser.parse("-(a OR b) c") == .and([.not(.or([a, b])), c]))
    }

    @Test(
        "syntax errors point at the offending position",
        arguments: [
            ("(a", 2, "expected ')'"),
            ("a )", 2, "unexpected ')'"),
            ("\"open", 0, "unterminated quoted phrase"),
            ("a AND", 5, "expected a term"),
            ("level:loud", 6, "unknown level \"loud\""),
            ("pattern:abc", 8, "a pattern ID is 16 hex digits"),
            ("pattern:>0000000000000001", 9, "'pattern' supports only ':'; comparisons work on level and attributes"),
            ("service:>3", 9, "'service' supports only ':'; comparisons work on level and attributes"),
            ("ab\"cd\"", 2, "unexpected '\"' inside a word"),
        ])
    func parse_syntaxError_hasPosition(query: String, position: Int, reason: String) {
        #expect(throws: QuerySyntaxError(position: position, reason: reason)) {
            try QueryParser.parse(query)
        }
    }

    @Test(
        "a query past a limit is refused with the limit named, however deep it nests",
        arguments: [
            (
                String(repeating: "(", count: 2000) + "a" + String(repeating: ")", count: 2000), 32,
                "the query nests deeper than 32 levels (the limit)"
            ),
            (String(repeating: "-", count: 3000) + "a", 32, "the query nests deeper than 32 levels (the limit)"),
            (String(repeating: "NOT ", count: 40) + "a", 128, "the query nests deeper than 32 levels (the limit)"),
            (String(repeating: "a ", count: 2049), 0, "the query is longer than 4096 bytes (the limit)"),
            ((0..<65).map { "w\($0)" }.joined(separator: " "), 246, "the query has more than 64 terms (the limit)"),
            (String(repeating: "x", count: 257), 0, "a term is longer than 256 bytes (the limit)"),
            ("service:" + String(repeating: "s", count: 257), 8, "a term is longer than 256 bytes (the limit)"),
            (String(repeating: "a*", count: 17), 0, "the query has more than 16 wildcards (the limit)"),
        ])
    func parse_pastLimit_refused(query: String, position: Int, reason: String) {
        #expect(throws: QuerySyntaxError(position: position, reason: reason)) {
            try QueryParser.parse(query)
        }
    }

    @Test("a query at every limit parses")
    func parse_atLimits_parses() throws {
        let nested = String(repeating: "(", count: 32) + "a" + String(repeating: ")", count: 32)
        #expect(try QueryParser.parse(nested) == .predicate(.messageContains("a")))
        let terms = (0..<64).map { "w\($0)" }.joined(separator: " ")
        #expect(try QueryParser.parse(terms).predicates.count == 64)
        let long = String(repeating: "x", count: 256)
        #expect(try QueryParser.parse(long) == .predicate(.messageContains(long)))
        #expect(try QueryParser.parse(String(repeating: "a*", count: 16)).predicates.count == 1)
    }
}
