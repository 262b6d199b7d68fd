import LogModel
import Parsing

/// The query parameters of `POST /api/v1/upload`, checked.
struct UploadOptions {
    /// Every parameter the route takes.
    static let parameterNames = [
        "format", "multiline", "service", "host", "environment", "skip_lines", "upload_id", "file_name",
    ]

    /// The format asked for; nil to detect it (`auto`, the default).
    var format: TextFormat?
    /// Whether continuation lines join the record before them; nil for the default (plain text only).
    var multiline: Bool?
    /// Fields given to every record that has none of its own: `service`, `host`, `environment`.
    var defaults: [String: String] = [:]
    /// Lines at the start of the body to pass over, already sent in an upload that was cut short.
    var skipLines = 0
    /// An ID the client gives the upload, so that it can ask how far it got
    /// (`GET /api/v1/uploads/{id}`); each record then carries `upload.id` and `upload.line`, and the
    /// lines of the ID already stored are passed over.
    var uploadID: String?
    /// The uploaded file's name, kept as `log.file.name`.
    var fileName: String?

    init(_ parameters: FormQuery) throws(Problem) {
        if let name = parameters["format"], name != "auto" {
            guard let format = TextFormat(name: name) else {
                throw Problem.badParameter(
                    "format", "must be auto, nginx, apache, access, syslog, logfmt, jsonl or plain")
            }
            self.format = format
        }
        switch parameters["multiline"] {
        case nil, "auto": multiline = nil
        case "true", "on": multiline = true
        case "false", "off": multiline = false
        default: throw Problem.badParameter("multiline", "must be auto, true or false")
        }
        for name in ["service", "host", "environment"] {
            guard let value = parameters[name] else { continue }
            guard !value.isEmpty, value.utf8.count <= RecordLimits.default.maxFieldBytes, !value.utf8.contains(0) else {
                throw Problem.badParameter(name, "must be 1 to \(RecordLimits.default.maxFieldBytes) bytes")
            }
            defaults[name] = value
        }
        if let text = parameters["skip_lines"] {
            guard let value = Int(text), value >= 0 else {
                throw Problem.badParameter("skip_lines", "must be a whole number of lines, 0 or more")
            }
            skipLines = value
        }
        if let id = parameters["upload_id"] {
            guard Self.isUploadID(id) else {
                throw Problem.badParameter("upload_id", "must be 1 to 64 letters, digits, '.', '_' or '-'")
            }
            uploadID = id
        }
        if let name = parameters["file_name"] {
            guard !name.isEmpty, name.utf8.count <= RecordLimits.default.maxFieldBytes, !name.utf8.contains(0) else {
                throw Problem.badParameter("file_name", "must be 1 to \(RecordLimits.default.maxFieldBytes) bytes")
            }
            fileName = name
        }
    }

    /// Whether text can name an upload: 1 to 64 ASCII letters, digits, `.`, `_` or `-`.
    static func isUploadID(_ text: String) -> Bool {
        (1...64).contains(text.utf8.count)
            && text.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".")
                    || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            }
    }
}
