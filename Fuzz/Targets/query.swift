import LogQuery

/// libFuzzer entry point: a query string as `q` carries it. Parsing must return a query or a syntax
/// error with a position inside the text, whatever the bytes, within the query limits.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzQuery(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        _ = try QueryParser.parse(text)
    } catch {
        guard error.position >= 0, error.position <= text.count + 1 else {
            fatalError("a syntax error at position \(error.position) of a \(text.count)-character query")
        }
    }
    return 0
}
