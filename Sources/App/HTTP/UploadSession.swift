import LogModel
import Parsing

/// One upload as its lines arrive: each line parsed into a record (``TextRecordReader``), decoded
/// like JSON ingest, and held until the route commits a batch; rejected lines counted with their
/// numbers and reasons.
struct UploadSession {
    /// A line that became no record, and why.
    struct Rejection: Encodable, Sendable {
        var line: Int
        /// `invalid`, `too_old`, `too_far_in_future` or `too_many_attribute_keys`.
        var code: String
        var reason: String
    }

    /// How many rejections the answer lists; the rest are counted only.
    static let listedRejections = 100

    let options: UploadOptions
    let tenant: String
    let receivedAt: Timestamp
    let window: TimestampWindow
    let decoder: RecordDecoder
    let maxLineBytes: Int
    private(set) var reader: TextRecordReader
    /// Lines read so far, skipped ones included.
    private(set) var lines = 0
    private(set) var rejected = 0
    private(set) var rejections: [Rejection] = []
    private(set) var rejectedByCode: [String: Int] = [:]
    /// Records decoded and not yet taken, each with the body bytes read since the one before and the
    /// number of its last line.
    private var batch: [(record: LogRecord, bytes: Int, lastLine: Int)] = []
    private var bytesSinceRecord = 0

    init(options: UploadOptions, tenant: String, window: TimestampWindow, maxLineBytes: Int) {
        self.options = options
        self.tenant = tenant
        self.receivedAt = .now()
        self.window = window
        self.decoder = RecordDecoder()
        self.maxLineBytes = maxLineBytes
        reader = TextRecordReader(
            format: options.format, multiline: options.multiline, context: ParseContext(receivedAt: receivedAt),
            maxMessageBytes: decoder.limits.maxMessageBytes)
    }

    /// Records held for the next commit.
    var heldRecords: Int { batch.count }

    /// Reads the next line of the body.
    mutating func add(_ line: LineFramer.Line) {
        lines += 1
        guard lines > options.skipLines else { return }
        switch line {
        case .tooLong(let bytes):
            reject(lines, code: "invalid", reason: "the line is \(bytes) bytes, longer than \(maxLineBytes)")
            bytesSinceRecord += bytes
        case .line(let bytes):
            bytesSinceRecord += bytes.count + 1
            guard let text = String(validating: bytes, as: UTF8.self) else {
                reject(lines, code: "invalid", reason: "the line is not valid UTF-8")
                return
            }
            var output: [TextRecordReader.Output] = []
            reader.add(text, number: lines, into: &output)
            handle(output)
        }
    }

    /// Ends the body: the reader hands over what it still holds.
    mutating func finish() {
        var output: [TextRecordReader.Output] = []
        reader.finish(into: &output)
        handle(output)
    }

    /// The first `limit` held records, the body bytes they came from and the number of the last
    /// line of the last one, for a commit.
    mutating func takeBatch(upTo limit: Int) -> (records: [LogRecord], bytes: Int, lastLines: [Int]) {
        let taken = batch.prefix(limit)
        batch.removeFirst(taken.count)
        return (taken.map(\.record), taken.reduce(0) { $0 + $1.bytes }, taken.map(\.lastLine))
    }

    private mutating func handle(_ output: [TextRecordReader.Output]) {
        for item in output {
            switch item {
            case .rejected(let line, let reason):
                reject(line, code: "invalid", reason: reason)
            case .record(var parsed, let lines):
                for (name, value) in options.defaults where parsed.fields[name] == nil {
                    parsed.fields[name] = .string(value)
                }
                if let id = options.uploadID {
                    parsed.fields["upload.id"] = .string(id)
                    parsed.fields["upload.line"] = .integer(Int64(lines.upperBound))
                }
                if let name = options.fileName { parsed.fields["log.file.name"] = .string(name) }
                switch decoder.decode(parsed.object, tenant: tenant, receivedAt: receivedAt, window: window) {
                case .success(let record):
                    batch.append((record, bytesSinceRecord, lines.upperBound))
                    bytesSinceRecord = 0
                case .failure(let rejection):
                    reject(lines.lowerBound, code: rejection.code.rawValue, reason: rejection.description)
                }
            }
        }
    }

    /// Counts a line as rejected, listing it among the first ``listedRejections``.
    mutating func reject(_ line: Int, code: String, reason: String) {
        rejected += 1
        rejectedByCode[code, default: 0] += 1
        if rejections.count < Self.listedRejections {
            rejections.append(Rejection(line: line, code: code, reason: reason))
        }
    }
}
