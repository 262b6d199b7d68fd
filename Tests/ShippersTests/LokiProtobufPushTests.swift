import LogModel
import Shippers
import SwiftProtobuf
import Testing
import WireFormats

/// Loki's protobuf push: the label text of its streams, Snappy's block format, and the mapping of
/// its entries, which must be the JSON push's.
@Suite("Loki protobuf push")
struct LokiProtobufPushTests {
    @Test("label sets in Prometheus's text form, with spaces, escapes and no labels")
    func labels_parse() throws {
        #expect(try LokiLabels.parse(#"{app="api", level="info"}"#) == ["app": "api", "level": "info"])
        #expect(try LokiLabels.parse(#" { a = "x\"y\\z\nw" ,b="" } "#) == ["a": "x\"y\\z\nw", "b": ""])
        #expect(try LokiLabels.parse("{}") == [:])
        #expect(try LokiLabels.parse(#"{a="1",a="2"}"#) == ["a": "2"])
        #expect(try LokiLabels.parse(#"{_k9="ünïcode"}"#) == ["_k9": "ünïcode"])
    }

    @Test(
        "malformed label sets are refused with the place",
        arguments: [
            "", "app=\"x\"", "{app=\"x\"", "{app=x}", "{1app=\"x\"}", "{app=\"x\" b=\"y\"}", "{app=\"x\\q\"}",
            "{app=\"x\"} trailing", "{=\"x\"}",
        ])
    func labels_malformed(text: String) {
        #expect(throws: LokiLabels.Invalid.self) { try LokiLabels.parse(text) }
    }

    @Test("Snappy bodies decompress; bad ones and ones past the limit are refused before any work")
    func snappy_limits() throws {
        let text = Array(String(repeating: "logsmith ", count: 1000).utf8)
        let compressed = SnappyBlock.compress(text)
        #expect(compressed.count < text.count / 10)
        #expect(try SnappyBlock.decompress(compressed, limit: text.count) == text)
        #expect(throws: SnappyBlock.Failure.tooLarge(bytes: text.count)) {
            try SnappyBlock.decompress(compressed, limit: text.count - 1)
        }
        #expect(throws: SnappyBlock.Failure.invalid) { try SnappyBlock.decompress([], limit: 10) }
        #expect(throws: SnappyBlock.Failure.invalid) {
            try SnappyBlock.decompress(Array(compressed.dropLast()), limit: 10_000)
        }
        // A length prefix of 2 GiB in five bytes: refused by its claim, nothing allocated.
        #expect(throws: SnappyBlock.Failure.tooLarge(bytes: 1 << 31)) {
            try SnappyBlock.decompress([0x80, 0x80, 0x80, 0x80, 0x08], limit: 1 << 20)
        }
    }

    @Test("a protobuf push maps to the same records as the same push in JSON")
    func protobuf_mapsAsJSON() throws {
        var request = Logproto_PushRequest()
        var stream = Logproto_StreamAdapter()
        stream.labels = #"{service_name="api", app="web", detected_level="warn", instance="node-3", env="prod"}"#
        var entry = Logproto_EntryAdapter()
        entry.timestamp = Google_Protobuf_Timestamp(seconds: 1_795_000_000, nanos: 123_456_789)
        entry.line = "disk almost full"
        var trace = Logproto_LabelPairAdapter()
        (trace.name, trace.value) = ("traceID", "4bf92f3577b34da6a3ce929d0e0e4736")
        var pod = Logproto_LabelPairAdapter()
        (pod.name, pod.value) = ("pod", "api-7")
        entry.structuredMetadata = [trace, pod]
        stream.entries = [entry]
        request.streams = [stream]
        let json = """
            {"streams": [{"stream": {"service_name": "api", "app": "web", "detected_level": "warn",
              "instance": "node-3", "env": "prod"},
              "values": [["1795000000123456789", "disk almost full",
                {"traceID": "4bf92f3577b34da6a3ce929d0e0e4736", "pod": "api-7"}]]}]}
            """
        #expect(try LokiPush.records(protobuf: try request.serializedBytes()) == LokiPush.records(Array(json.utf8)))
    }

    @Test("bodies that are not a push request, or whose labels are not a label set, name the place")
    func protobuf_invalid() throws {
        #expect(throws: LokiPush.InvalidRequest.self) { try LokiPush.records(protobuf: [0x0A, 0x05, 0x01]) }
        var request = Logproto_PushRequest()
        var stream = Logproto_StreamAdapter()
        var first = Logproto_StreamAdapter()
        first.labels = "{}"
        stream.labels = "{app=web}"
        request.streams = [first, stream]
        do {
            _ = try LokiPush.records(protobuf: try request.serializedBytes())
            Issue.record("a label set without quotes was taken")
        } catch {
            #expect("\(error)".hasPrefix("streams[1].labels:"))
        }
        var entry = Logproto_EntryAdapter()
        entry.timestamp = Google_Protobuf_Timestamp(seconds: .max, nanos: 0)
        stream.labels = "{}"
        stream.entries = [entry]
        request.streams = [stream]
        #expect(throws: LokiPush.InvalidRequest.self) { try LokiPush.records(protobuf: try request.serializedBytes()) }
    }
}
