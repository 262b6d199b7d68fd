import NIOCore
import Testing

@testable import App

@Suite("NDJSON line splitting")
struct NDJSONLinesTests {
    func lines(of body: String, chunkSize: Int) throws -> [String] {
        var splitter = NDJSONLines()
        var found: [String] = []
        let bytes = Array(body.utf8)
        for start in stride(from: 0, to: bytes.count, by: chunkSize) {
            let chunk = ByteBuffer(bytes: bytes[start..<min(start + chunkSize, bytes.count)])
            try splitter.feed(chunk) { found.append(String(decoding: $0, as: UTF8.self)) }
        }
        try splitter.finish { found.append(String(decoding: $0, as: UTF8.self)) }
        return found
    }

    @Test("every chunking of a body yields the same lines, including one without a final newline")
    func feed_anyChunking_sameLines() throws {
        let body = "{\"a\":1}\n\n{\"b\":\"é😀\"}\r\n  \n{\"c\":[1,2,3]}"
        let expected = body.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map {
            String(decoding: $0, as: UTF8.self)
        }
        for chunkSize in 1...body.utf8.count {
            let found = try lines(of: body, chunkSize: chunkSize)
            #expect(found == expected, "chunks of \(chunkSize) bytes: \(found)")
        }
        #expect(try lines(of: "x\n", chunkSize: 1) == ["x"])
    }
}
