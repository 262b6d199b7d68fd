import LogModel

/// libFuzzer entry point: a body as ingest reads it. The bytes are parsed as JSON; whatever parses
/// is written back and parsed again, which must give the same value; every object in it (the body,
/// or each item of an array) is decoded as a record, which must either succeed or give a reason.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRecords(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    guard let value = try? JSONParser.parse(bytes) else { return 0 }
    let text = value.jsonText
    guard let reparsed = try? JSONParser.parse(Array(text.utf8)) else {
        fatalError("the writer's output does not parse: \(text)")
    }
    guard reparsed == value else { fatalError("the value changed through the writer: \(text)") }
    let items: [JSONValue] = if case .array(let items) = value { items } else { [value] }
    let decoder = RecordDecoder()
    let now = Timestamp(microseconds: 1_764_324_000_000_000)
    for item in items {
        switch decoder.decode(item, tenant: "fuzz", receivedAt: now) {
        case .success(let record):
            guard record.tenant == "fuzz", record.observedAt == now else {
                fatalError("a decoded record lost its tenant or its time of receipt")
            }
        case .failure(let rejection):
            guard !rejection.reason.isEmpty else { fatalError("a rejection without a reason") }
        }
    }
    return 0
}
