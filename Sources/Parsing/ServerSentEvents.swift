/// One Server-Sent Event: its type (`message` when unnamed), data lines joined by newlines, and the
/// last event ID the stream set.
public struct ServerSentEvent: Sendable, Equatable {
    /// The event's type.
    public var type: String
    /// The event's data lines, joined by newlines.
    public var data: String
    /// The last event ID the stream set, if any.
    public var lastEventID: String?

    /// Creates an event.
    public init(type: String, data: String, lastEventID: String?) {
        self.type = type
        self.data = data
        self.lastEventID = lastEventID
    }
}

/// Splits a Server-Sent Events stream into events as its bytes arrive, per the HTML standard's
/// event-stream interpretation: lines end with LF, CR LF or CR; `event`, `data` and `id` fields; a
/// blank line dispatches; comments (`:`) are skipped.
public struct ServerSentEventParser: Sendable {
    private var line: [UInt8] = []
    private var afterCR = false
    private var type = ""
    private var data: [String] = []
    private var hasData = false
    private var lastEventID: String?

    /// A parser at the start of a stream.
    public init() {}

    /// The events completed by `bytes`.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        for byte in bytes {
            if afterCR, byte == UInt8(ascii: "\n") {
                afterCR = false
                continue
            }
            afterCR = byte == UInt8(ascii: "\r")
            guard byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") else {
                line.append(byte)
                continue
            }
            if let event = process(String(decoding: line, as: UTF8.self)) { events.append(event) }
            line = []
        }
        return events
    }

    private mutating func process(_ text: String) -> ServerSentEvent? {
        if text.isEmpty {
            defer {
                type = ""
                data = []
                hasData = false
            }
            guard hasData else { return nil }
            return ServerSentEvent(
                type: type.isEmpty ? "message" : type, data: data.joined(separator: "\n"), lastEventID: lastEventID)
        }
        guard !text.hasPrefix(":") else { return nil }
        let field: Substring
        var value: Substring = ""
        if let colon = text.firstIndex(of: ":") {
            field = text[..<colon]
            value = text[text.index(after: colon)...]
            if value.hasPrefix(" ") { value = value.dropFirst() }
        } else {
            field = Substring(text)
        }
        switch field {
        case "event": type = String(value)
        case "data":
            data.append(String(value))
            hasData = true
        case "id" where !value.contains("\0"): lastEventID = String(value)
        default: break
        }
        return nil
    }
}
