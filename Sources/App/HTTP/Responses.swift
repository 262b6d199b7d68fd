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
struct RecordResponse: ResponseEncodable {
    var record: LogRecord

    init(_ record: LogRecord) {
        self.record = record
    }

    func encode(to encoder: any Encoder) throws {
        try record.encode(to: encoder)
    }
}

/// A page of search results; `next_cursor` is null on the last page.
struct SearchResponse: ResponseEncodable {
    var logs: [RecordResponse]
    var nextCursor: String?
    /// The part of the range searched when the budget ran out first (then `partial` is true).
    var covered: CoveredRange?

    enum CodingKeys: String, CodingKey {
        case logs, partial, covered
        case nextCursor = "next_cursor"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(logs, forKey: .logs)
        try container.encode(nextCursor, forKey: .nextCursor)
        try container.encode(covered != nil, forKey: .partial)
        try container.encodeIfPresent(covered, forKey: .covered)
    }
}

/// Every record of one correlation or trace ID, oldest first.
struct StoryResponse: ResponseEncodable {
    var id: String
    var count: Int
    var truncated: Bool
    var services: [String]
    /// The first and last record's time; null only in a partial answer.
    var first: Timestamp?
    var last: Timestamp?
    var logs: [RecordResponse]
    /// Whether the query budget ran out before the story was read (then it is empty).
    var partial: Bool
}
