import Foundation
import Logging
import Synchronization
import Telemetry
import Testing

@Suite("JSONLogHandler")
struct JSONLogHandlerTests {
    final class Lines: Sendable {
        let captured = Mutex<[String]>([])
    }

    @Test("each event is one JSON object with the standard keys and flattened metadata")
    func log_event_writesOneJSONLine() throws {
        let lines = Lines()
        var logger = Logger(label: "test.logger") { label in
            JSONLogHandler(label: label, serviceName: "logsmith-test", level: .info) { line in
                lines.captured.withLock { $0.append(line) }
            }
        }
        logger[metadataKey: "request_id"] = "r-1"
        logger.debug("not written")
        logger.info("ingest committed", metadata: ["records": "20"])
        let written = lines.captured.withLock { $0 }
        #expect(written.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(written[0].utf8)) as? [String: Any])
        #expect(object["message"] as? String == "ingest committed")
        #expect(object["level"] as? String == "info")
        #expect(object["logger"] as? String == "test.logger")
        #expect(object["service.name"] as? String == "logsmith-test")
        #expect(object["request_id"] as? String == "r-1")
        #expect(object["records"] as? String == "20")
        let timestamp = try #require(object["timestamp"] as? String)
        #expect(timestamp.count == 27 && timestamp.hasSuffix("Z"))
        #expect(!written[0].contains("\n"))
    }

    @Test("keys in order at every depth, nested metadata as JSON, slashes and quotes as JSON writes them")
    func log_nestedMetadata_sortedKeys() throws {
        let lines = Lines()
        let logger = Logger(label: "test.logger") { label in
            JSONLogHandler(label: label, level: .info) { line in lines.captured.withLock { $0.append(line) } }
        }
        logger.info(
            "GET /api/v1/logs \"quoted\"\n",
            metadata: ["z.last": ["b": "2", "a": ["x", "y"]], "a.first": .stringConvertible(42)])
        let line = try #require(lines.captured.withLock { $0.first })
        let prefix = #"{"a.first":"42","level":"info","logger":"test.logger","#
        #expect(line.hasPrefix(prefix))
        #expect(line.contains(#""message":"GET /api/v1/logs \"quoted\"\n","service.name":"logsmith","timestamp":""#))
        #expect(line.hasSuffix(#"Z","z.last":{"a":["x","y"],"b":"2"}}"#))
    }
}
