import LogModel
import Shippers
import Testing

/// Loki push bodies mapped to the records of our own route and decoded as that route decodes them.
@Suite("Loki push")
struct LokiPushTests {
    @Test("labels and structured metadata map to the record's columns and attributes")
    func push_mapsLabelsAndMetadata() throws {
        let body = """
            {"streams": [{"stream": {"service_name": "api", "app": "web", "detected_level": "warn",
              "instance": "node-3", "env": "prod", "region": "eu"},
              "values": [["1795000000123456789", "disk almost full", {"traceID": "4bf92f3577b34da6a3ce929d0e0e4736",
                "pod": "api-7"}], ["1795000000200000000", "second"]]}]}
            """
        let records = try LokiPush.records(Array(body.utf8)).map {
            try RecordDecoder().decode($0, tenant: "t", receivedAt: Timestamp(microseconds: 1_795_000_001_000_000))
                .get()
        }
        #expect(records.map(\.message) == ["disk almost full", "second"])
        let first = try #require(records.first)
        #expect(first.service == "api")
        #expect(first.level == .warn)
        #expect(first.host == "node-3")
        #expect(first.environment == "prod")
        #expect(first.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(first.timestamp == Timestamp(microseconds: 1_795_000_000_123_456))
        #expect(first.attributes == ["app": .string("web"), "region": .string("eu"), "pod": .string("api-7")])
        #expect(records[1].attributes["pod"] == nil)
    }

    @Test(
        "bodies that are not a push name the place where they go wrong",
        arguments: [
            ("not json", "the body is not JSON"),
            (#"{"streams": {}}"#, "streams:"),
            (#"{"streams": [{"stream": {}, "values": [["1", "a"], [1, "b"]]}]}"#, "streams[0].values[1][0]:"),
            (#"{"streams": [{"stream": {}, "values": [["1"]]}]}"#, "streams[0].values[0]:"),
            (#"{"streams": [{"stream": {}, "values": [["1", 5]]}]}"#, "streams[0].values[0][1]:"),
            (#"{"streams": [{"stream": [], "values": []}]}"#, "streams[0].stream:"),
            (#"{"streams": [{"values": [["1", "a", 7]]}]}"#, "streams[0].values[0][2]:"),
        ])
    func invalidBodies_namePlace(body: String, place: String) {
        #expect {
            try LokiPush.records(Array(body.utf8))
        } throws: { error in
            String(describing: error).hasPrefix(place)
        }
    }
}
