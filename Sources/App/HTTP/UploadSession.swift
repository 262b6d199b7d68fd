import LogModel
import Parsing

/// One upload as its lines arrive: each line parsed into a record (``TextRecordReader``), decoded
/// like JSON ingest, and held until the route commits a batch; rejected lines counted with their
/// numbers and reasons.
struct UploadSession {
    /// A line that became no record, and why.
    struct Rejection: Encodable, Sendable {
        var line: Int
        /// `invalid`, `too_old` or `too_far_in_future`.
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
    private var batch: [LogRecord] = []
    private var batchBytes = 0

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

    /// Lines that need nothing more once the held records are committed: every line before the first
    /// one the reader still holds (or all read).
    var settledLines: Int { (reader.firstHeldLine ?? lines + 1) - 1 }

    /// Reads the next line of the body.
    mutating func add(_ line: LineFramer.Line) {
        lines += 1
        guard lines > options.skipLines else { return }
        switch line {
        case .tooLong(let bytes):
            reject(lines, code: "invalid", reason: "the line is \(bytes) bytes, longer than \(maxLineBytes)")
            batchBytes += bytes
        case .line(let bytes):
            batchBytes += bytes.count + 1
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

    /// The held records and the body bytes they came from, for a commit.
    mutating func takeBatch() -> (records: [LogRecord], bytes: Int) {
        defer {
            batch = []
            batchBytes = 0
        }
        return (batch, batchBytes)
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
                case .success(let record): batch.append(record)
                case .failure(let rejection):
                    reject(lines.lowerBound, code: rejection.code.rawValue, reason: rejection.description)
                }
            }
        }
    }

    private mutating func reject(_ line: Int, code: String, reason: String) {
        rejected += 1
        rejectedByCode[code, default: 0] += 1
        if rejections.count < Self.listedRejections {
            rejections.append(Rejection(line: line, code: code, reason: reason))
        }
    }
}
