import Testing

@testable import App

@Suite("Form query")
struct FormQueryTests {
    @Test("plus is a space, %XX a byte in either case, UTF-8 across escapes, the first repeat wins")
    func decodesAsBrowsersEncode() throws {
        let query = try FormQuery("q=a+b%2Bc&price=%e2%82%AC5&flag&q=second&empty=&name%3D=x%26y")
        #expect(query["q"] == "a b+c")
        #expect(query["price"] == "€5")
        #expect(query["flag"] == "")
        #expect(query["empty"] == "")
        #expect(query["name="] == "x&y")
        #expect(query["absent"] == nil)
    }

    @Test("names alone are decoded in order, repeats included; a bad value is no concern of theirs")
    func namesWithoutValues() throws {
        #expect(try FormQuery.names("q=%FF&b%5Fc=1&q=2&flag") == ["q", "b_c", "q", "flag"])
        #expect(throws: Problem.self) { try FormQuery.names("%ZZ=1") }
    }

    @Test(
        "a broken escape or bytes that are not UTF-8 are refused, naming the parameter",
        arguments: ["q=%ZZ", "q=%4", "q=abc%", "q=%FF", "q=%C3%28", "%E2%82=1"])
    func refusesBadEncoding(query: String) {
        #expect(throws: Problem.self) { try FormQuery(query) }
    }

    @Test("a query of thousands of escaped words decodes whole")
    func decodesLongQueries() throws {
        let words = (0..<2000).map { "w\($0)" }
        let query = try FormQuery("q=" + words.joined(separator: "%20"))
        #expect(query["q"] == words.joined(separator: " "))
    }
}
