import LogModel
import Parsing
import Testing

@Suite("logfmt and JSON line parsers")
struct LogfmtParserTests {
    @Test("pairs become fields; quoted values, numbers and flags")
    func pairs() throws {
        let parsed = try LogfmtParser.parse(
            #"ts=2026-12-02T10:00:00Z level=warn msg="cache miss \"users\"" took_ms=12.5 count=3 id=007 cold"#
        ).get()
        #expect(parsed.text("msg") == #"cache miss "users""#)
        #expect(parsed.text("level") == "warn")
        #expect(parsed.fields["took_ms"] == .double(12.5))
        #expect(parsed.fields["count"] == .integer(3))
        #expect(parsed.fields["id"] == .string("007"))
        let huge = try LogfmtParser.parse("a=99999999999999999999 b=1").get()
        #expect(huge.fields["a"] == .string("99999999999999999999"))
        #expect(parsed.fields["cold"] == .bool(true))
        #expect(parsed.fields["message"] == nil)
        let noMessage = try LogfmtParser.parse("a=1 b=2").get()
        #expect(noMessage.text("message") == "a=1 b=2")
    }

    @Test("prose, single pairs and unterminated quotes are not logfmt")
    func rejections() {
        for line in ["just words here", "only=one", #"a=1 b="open"#, "a=1 =2"] {
            guard case .failure = LogfmtParser.parse(line) else {
                Issue.record("accepted \(line)")
                continue
            }
        }
    }

    @Test("JSON lines must be objects")
    func jsonLines() throws {
        let parsed = try JSONLineParser.parse(#"{"message":"hi","level":"error","n":1}"#).get()
        #expect(parsed.text("message") == "hi")
        #expect(throws: LineRejection.self) { try JSONLineParser.parse("[1,2]").get() }
        #expect(throws: LineRejection.self) { try JSONLineParser.parse("{oops").get() }
    }
}
