import Parsing
import Testing

@Suite("Line framer")
struct LineFramerTests {
    func frame(_ chunks: [String], maxLineBytes: Int = 10) -> [LineFramer.Line] {
        var framer = LineFramer(maxLineBytes: maxLineBytes)
        var lines: [LineFramer.Line] = []
        for chunk in chunks {
            Array(chunk.utf8).withUnsafeBytes { framer.feed($0) { lines.append($0) } }
        }
        framer.finish { lines.append($0) }
        return lines
    }

    @Test("lines across chunks, CRLF and a last line without a line end")
    func lines() {
        #expect(
            frame(["ab", "c\r\nde\n\nf"]) == [
                .line(Array("abc".utf8)), .line(Array("de".utf8)), .line([]),
                .line(Array("f".utf8)),
            ])
    }

    @Test("a line over the limit is reported by length, never held whole, and the next line is intact")
    func tooLong() {
        #expect(frame(["0123456789", "0123456789", "01\nok\n"]) == [.tooLong(bytes: 22), .line(Array("ok".utf8))])
        #expect(frame(["0123456789\r\n"]) == [.line(Array("0123456789".utf8))])
        #expect(frame(["01234567890"]) == [.tooLong(bytes: 11)])
    }
}
