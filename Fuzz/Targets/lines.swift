import LogModel
import Parsing

/// libFuzzer entry point: a file as the upload route reads it. The bytes are cut into lines by the
/// framer (in two chunks, at a point the input chooses), and the lines that are UTF-8 go through the
/// text reader in the format the first byte chooses (or detected); every record it makes must decode
/// into a record or a reason, and every record's lines must lie within the lines read, in order.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLines(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let bytes = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    let formats: [TextFormat?] = [nil] + TextFormat.allCases
    let format = formats[Int(data[0]) % formats.count]
    var framer = LineFramer(maxLineBytes: 512)
    var lines: [[UInt8]] = []
    let cut = bytes.isEmpty ? 0 : Int(data[0]) % bytes.count
    framer.feed(UnsafeRawBufferPointer(rebasing: bytes[..<cut])) { if case .line(let line) = $0 { lines.append(line) } }
    framer.feed(UnsafeRawBufferPointer(rebasing: bytes[cut...])) { if case .line(let line) = $0 { lines.append(line) } }
    framer.finish { if case .line(let line) = $0 { lines.append(line) } }
    let now = Timestamp(microseconds: 1_764_324_000_000_000)
    var reader = TextRecordReader(
        format: format, multiline: nil, context: ParseContext(receivedAt: now), maxMessageBytes: 1024)
    var output: [TextRecordReader.Output] = []
    for (index, line) in lines.enumerated() {
        guard let text = String(validating: line, as: UTF8.self) else { continue }
        reader.add(text, number: index + 1, into: &output)
    }
    reader.finish(into: &output)
    let decoder = RecordDecoder()
    var last = 0
    for item in output {
        switch item {
        case .record(let parsed, let range):
            guard range.lowerBound > last, range.upperBound <= lines.count else {
                fatalError("record lines \(range) out of order or past \(lines.count) after \(last)")
            }
            last = range.upperBound
            if case .failure(let rejection) = decoder.decode(parsed.object, tenant: "fuzz", receivedAt: now),
                rejection.reason.isEmpty
            {
                fatalError("a rejection without a reason")
            }
        case .rejected(let line, let reason):
            guard line > last, line <= lines.count, !reason.isEmpty else { fatalError("a bad rejection at \(line)") }
            last = line
        }
    }
    return 0
}
