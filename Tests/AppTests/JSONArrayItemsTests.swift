import NIOCore
import Testing

@testable import App

/// The streaming split of a JSON body into its array elements.
@Suite("JSON array items")
struct JSONArrayItemsTests {
    /// The items of `body` fed in chunks cut at `cuts`, as text with their offsets (nil: whole body).
    static func items(_ body: String, cuts: [Int] = []) throws(Problem) -> [(String, Int?)] {
        let bytes = Array(body.utf8)
        var found: [(String, Int?)] = []
        var splitter = JSONArrayItems()
        let handle = { (item: JSONArrayItems.Item) throws(Problem) in
            found.append((String(decoding: item.bytes, as: UTF8.self), item.offset))
        }
        var start = 0
        for end in cuts + [bytes.count] {
            try splitter.feed(ByteBuffer(bytes: bytes[start..<end]), handle)
            start = end
        }
        try splitter.finish(handle)
        return found
    }

    @Test("elements come out whole wherever the chunks are cut, strings and nesting included")
    func elements_anyChunking_same() throws {
        let body = #" [ {"message": "a ] , \" b"}, [1, [2]] ,"x,]" , 3 ] "#
        let expected = [#"{"message": "a ] , \" b"}"#, "[1, [2]] ", #""x,]" "#, "3 "]
        let whole = try Self.items(body)
        #expect(whole.map(\.0) == expected)
        #expect(whole.map(\.1) == [3, 30, 40, 48])
        for cut in 0...body.utf8.count {
            #expect(try Self.items(body, cuts: [cut]).map(\.0) == expected, "cut at \(cut)")
        }
        let everyByte = Array(1..<body.utf8.count)
        #expect(try Self.items(body, cuts: everyByte).map(\.0) == expected)
    }

    @Test("a body that is not an array is handed over whole at the end")
    func object_handedWhole() throws {
        let found = try Self.items(#"  {"message": "[not, an, array]"}"#, cuts: [5, 12])
        #expect(found.map(\.0) == [#"{"message": "[not, an, array]"}"#])
        #expect(found.map(\.1) == [nil])
        #expect(try Self.items("[ ]").isEmpty)
    }

    @Test("broken arrays are a 400", arguments: ["[1,]", "[,1]", "[1] x", "[1, 2", "[", "", "[1}]", "[[1]]]"])
    func brokenArray_400(body: String) {
        #expect(throws: Problem.self) { _ = try Self.items(body) }
    }
}
