import HTTPTypes
import Hummingbird
import LogModel

extension Response {
    /// A 200 carrying JSON that is already encoded (a cached answer), with `headers` added.
    static func encodedJSON(_ body: [UInt8], headers: HTTPFields) -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// One record as the API shows it: the record's fields in snake_case, absent fields left out.
struct RecordResponse: ResponseGenerator {
    var record: LogRecord

    init(_ record: LogRecord) {
        self.record = record
    }

    func response(from request: Request, context: some RequestContext) -> Response {
        var output = JSONOutput(capacity: record.approximateJSONBytes)
        record.writeJSON(to: &output)
        return .encodedJSON(output.bytes, headers: [:])
    }
}

/// A page of search results; `next_cursor` is null on the last page.
///
/// Records are written by ``LogRecord/writeJSON(to:)`` rather than `JSONEncoder`: encoding a page
/// through `Codable` cost more server time than reading it from the database. The members are in
/// the order of their keys, as `APIJSON` writes every other answer.
struct SearchResponse {
    var logs: [LogRecord]
    var nextCursor: String?
    /// The part of the range searched when the budget ran out first (then `partial` is true).
    var covered: CoveredRange?

    /// The page as JSON.
    var json: [UInt8] {
        var output = JSONOutput(capacity: logs.reduce(100) { $0 + $1.approximateJSONBytes })
        output.raw("{")
        if let covered {
            output.key("covered", first: true)
            covered.writeJSON(to: &output)
        }
        output.key("logs", first: covered == nil)
        LogRecord.writeJSON(logs, to: &output)
        output.key("next_cursor")
        if let nextCursor { output.string(nextCursor) } else { output.raw("null") }
        output.key("partial")
        output.boolean(covered != nil)
        output.raw("}")
        return output.bytes
    }
}

/// Every record of one correlation or trace ID, oldest first, written as ``SearchResponse`` writes
/// its page.
struct StoryResponse: ResponseGenerator {
    var id: String
    var count: Int
    var truncated: Bool
    var services: [String]
    /// The first and last record's time; null only in a partial answer.
    var first: Timestamp?
    var last: Timestamp?
    var logs: [LogRecord]
    /// Whether the query budget ran out before the story was read (then it is empty).
    var partial: Bool

    func response(from request: Request, context: some RequestContext) -> Response {
        var output = JSONOutput(capacity: logs.reduce(200) { $0 + $1.approximateJSONBytes })
        output.raw("{")
        output.key("count", first: true)
        output.integer(count)
        Self.write("first", first, to: &output)
        output.key("id")
        output.string(id)
        Self.write("last", last, to: &output)
        output.key("logs")
        LogRecord.writeJSON(logs, to: &output)
        output.key("partial")
        output.boolean(partial)
        output.key("services")
        output.value(.array(services.map(JSONValue.string)), sortingKeys: true)
        output.key("truncated")
        output.boolean(truncated)
        output.raw("}")
        return .encodedJSON(output.bytes, headers: [:])
    }

    private static func write(_ name: StaticString, _ time: Timestamp?, to output: inout JSONOutput) {
        output.key(name)
        if let time { output.timestamp(time) } else { output.raw("null") }
    }
}
