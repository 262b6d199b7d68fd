import LogModel
import Testing

@Suite("RecordDecoder")
struct RecordDecoderTests {
    let decoder = RecordDecoder()
    let now = Timestamp(rfc3339: "2026-11-28T12:00:00Z")!

    func decode(_ fields: [String: JSONValue]) -> Result<LogRecord, RecordDecoder.Rejection> {
        decoder.decode(.object(fields), tenant: "t", receivedAt: now)
    }

    @Test("well-known fields under their common names")
    func decode_aliases_fillFields() throws {
        let record = try decode([
            "msg": .string("hello"), "severity": .string("warning"), "@timestamp": .string("2026-11-28T10:00:00Z"),
            "service.name": .string("api"), "hostname": .string("h1"), "env": .string("prod"),
            "traceId": .string("t1"), "spanId": .string("s1"), "correlationId": .string("c1"),
        ]).get()
        #expect(record.message == "hello")
        #expect(record.level == .warn)
        #expect(record.severityNumber == 13)
        #expect(record.timestamp == Timestamp(rfc3339: "2026-11-28T10:00:00Z"))
        #expect(record.observedAt == now)
        #expect([record.service, record.host, record.environment] == ["api", "h1", "prod"])
        #expect([record.traceID, record.spanID, record.correlationID] == ["t1", "s1", "c1"])
        #expect(record.attributes.isEmpty)
        #expect(RecordID.isWellFormed(record.id))
    }

    @Test("defaults: INFO and the time of receipt")
    func decode_minimal_usesDefaults() throws {
        let record = try decode(["message": .string("x")]).get()
        #expect(record.level == .info)
        #expect(record.severityNumber == 9)
        #expect(record.timestamp == now)
    }

    @Test("unknown top-level fields go into attributes, over explicit attributes")
    func decode_unknownFields_becomeAttributes() throws {
        let record = try decode([
            "message": .string("x"), "user_id": .integer(42),
            "attributes": .object(["region": .string("eu"), "user_id": .integer(1)]),
        ]).get()
        #expect(record.attributes == ["region": .string("eu"), "user_id": .integer(42)])
    }

    @Test("severity_number is kept when it agrees with the level, and sets the level alone")
    func decode_severityNumber() throws {
        #expect(try decode(["message": .string("x"), "severity_number": .integer(18)]).get().level == .error)
        let both = try decode(["message": .string("x"), "level": .string("error"), "severity_number": .integer(19)])
            .get()
        #expect(both.severityNumber == 19)
        let disagreeing = try decode([
            "message": .string("x"), "level": .string("info"), "severity_number": .integer(19),
        ])
        .get()
        #expect(disagreeing.severityNumber == 9)
    }

    @Test(
        "rejections name the field",
        arguments: [
            (["message": JSONValue.null], "message: is required"),
            (["message": .string("x\u{0}y")], "message: contains a NUL character"),
            (["message": .string("x"), "extra": .string("a\u{0}")], "extra: contains a NUL character"),
            (
                ["message": .string("x"), "ts": .bool(true)],
                "ts: must be an RFC 3339 string or an epoch number, not boolean"
            ),
            (["message": .string("x"), "level": .integer(8)], "level: unknown level 8"),
            (
                ["message": .string("x"), "host": .string(String(repeating: "h", count: 300))],
                "host: is longer than 256 bytes"
            ),
        ])
    func decode_invalid_rejects(fields: [String: JSONValue], reason: String) {
        guard case .failure(let rejection) = decode(fields) else {
            Issue.record("expected a rejection")
            return
        }
        #expect(rejection.description == reason)
    }

    @Test("a non-object is rejected")
    func decode_nonObject_rejects() {
        guard case .failure(let rejection) = decoder.decode(.string("x"), tenant: "t", receivedAt: now) else {
            Issue.record("expected a rejection")
            return
        }
        #expect(rejection.description == "a record must be a JSON object, not string")
    }
}
