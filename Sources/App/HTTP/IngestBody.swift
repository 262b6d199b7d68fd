import Foundation
import HTTPTypes
import Hummingbird
import LogModel
import NIOCore

/// The media types `POST /api/v1/logs` accepts: one JSON object or a JSON array of values, or
/// NDJSON (one value per non-blank line).
enum IngestFormat {
    case json
    case ndjson

    /// The format for a `Content-Type` value, or nil when it is not one we accept.
    init?(contentType: String?) {
        let mediaType = contentType?.split(separator: ";").first?.trimmingBlanks.lowercased()
        switch mediaType {
        case "application/json": self = .json
        case "application/x-ndjson", "application/ndjson", "application/jsonl", "application/json-seq",
            "application/jsonlines":
            self = .ndjson
        default: return nil
        }
    }
}

/// Reads an ingest request body into a batch as it arrives.
///
/// NDJSON is parsed as a stream: each line is parsed and decoded into a record as soon as it is
/// complete, so neither the whole body nor its parsed JSON is ever held, only the records; a line
/// that is not JSON becomes a per-item error. A JSON array is parsed the same way, element by element
/// (``JSONArrayItems``), but if any of it is not JSON the whole request fails; a single object is read
/// whole (it is bounded by the body limit). The body limit and the item limit are enforced while
/// reading, so an oversized request stops being read at the first byte or item over the limit.
struct IngestBodyReader {
    let maxBodyBytes: Int

    /// Reads the whole body into `batch`; returns the number of body bytes read.
    func read(_ body: RequestBody, format: IngestFormat, into batch: inout IngestBatch) async throws -> Int {
        switch format {
        case .json:
            var items = JSONArrayItems()
            return try await read(body, splitting: &items) { item throws(Problem) in try Self.addJSON(item, to: &batch)
            }
        case .ndjson:
            var lines = NDJSONLines()
            return try await read(body, splitting: &lines) { line throws(Problem) in try Self.addLine(line, to: &batch)
            }
        }
    }

    /// Feeds the body to `splitter` chunk by chunk, up to the body limit; returns the bytes read.
    private func read<Splitter: BodySplitter>(
        _ body: RequestBody, splitting splitter: inout Splitter, _ handle: (Splitter.Item) throws(Problem) -> Void
    ) async throws -> Int {
        var bytes = 0
        for try await chunk in body {
            bytes += chunk.readableBytes
            guard bytes <= maxBodyBytes else { throw Problem.bodyTooLarge(limit: maxBodyBytes) }
            try splitter.feed(chunk, handle)
        }
        try splitter.finish(handle)
        return bytes
    }

    /// Adds one element of an array body, or the whole of any other body, which must be one object.
    private static func addJSON(_ item: JSONArrayItems.Item, to batch: inout IngestBatch) throws(Problem) {
        let value: JSONValue
        do {
            value = try JSONParser.parse(item.bytes)
        } catch {
            throw Problem(
                status: .badRequest, kind: "invalid-json",
                detail: "body is not valid JSON: \(error.reason) at byte \((item.offset ?? 0) + error.offset)")
        }
        if item.offset == nil {
            guard case .object = value else {
                throw Problem(
                    status: .badRequest, kind: "invalid-json",
                    detail: "body must be a JSON object or an array of objects, not \(value.typeName)")
            }
        }
        try batch.add(.success(value))
    }

    private static func addLine(_ line: UnsafeRawBufferPointer, to batch: inout IngestBatch) throws(Problem) {
        guard line.contains(where: { !Self.isWhitespace($0) }) else { return }
        let item: Result<JSONValue, RecordDecoder.Rejection>
        do {
            item = .success(try JSONParser.parse(line))
        } catch {
            item = .failure(RecordDecoder.Rejection(field: nil, reason: "line is not valid JSON: \(error)"))
        }
        try batch.add(item)
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }
}

extension Problem {
    /// 413 for a body over the configured limit.
    static func bodyTooLarge(limit: Int) -> Problem {
        Problem(status: .contentTooLarge, kind: "body-too-large", detail: "the body is larger than \(limit) bytes")
    }
}
