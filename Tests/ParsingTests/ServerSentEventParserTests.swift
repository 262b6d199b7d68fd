import Parsing
import Testing

/// The event-stream reader of `logsmith tail`, against the HTML standard's examples.
@Suite("Server-Sent Event parser")
struct ServerSentEventParserTests {
    @Test("events split anywhere, any line ending, comments, multi-line data and IDs that carry over")
    func events_areParsed() {
        let stream = "retry: 1000\r\n\r\n: heartbeat\n\nevent: log\rid: 7\rdata: [1,\ndata:2]\n\ndata: plain\n\n"
        for split in 0...stream.utf8.count {
            var parser = ServerSentEventParser()
            let bytes = Array(stream.utf8)
            let events = parser.feed(bytes[..<split]) + parser.feed(bytes[split...])
            #expect(
                events == [
                    ServerSentEvent(type: "log", data: "[1,\n2]", lastEventID: "7"),
                    ServerSentEvent(type: "message", data: "plain", lastEventID: "7"),
                ], "split at \(split)")
        }
    }
}
