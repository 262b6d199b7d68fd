import Foundation
import HTTPTypes
import LogModel
import NIOCore

/// The records of an ingest request body, before validation: one JSON object, a JSON array of
/// values, or NDJSON (one value per non-blank line). An NDJSON line that is not JSON becomes a
/// per-item error; a JSON body that is not JSON fails the whole request.
enum IngestBody {
    /// The body formats `POST /api/v1/logs` accepts, by media type.
    enum Format {
        case json
        case ndjson

        /// The format for a `Content-Type` value, or nil when it is not one we accept.
        init?(contentType: String?) {
            let mediaType = contentType?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
            switch mediaType {
            case "application/json": self = .json
            case "application/x-ndjson", "application/ndjson", "application/jsonl", "application/json-seq",
                "application/jsonlines":
                self = .ndjson
            default: return nil
            }
        }
    }

    /// Splits a body into items: each a JSON value, or the reason it is not one.
    static func items(_ body: ByteBuffer, format: Format) throws(Problem) -> [Result<
        JSONValue, RecordDecoder.Rejection
    >] {
        let decoder = JSONDecoder()
        switch format {
        case .json:
            let value: JSONValue
            do {
                value = try decoder.decode(JSONValue.self, from: Data(body.readableBytesView))
            } catch {
                throw Problem(
                    status: .badRequest, kind: "invalid-json", detail: "body is not valid JSON: \(reason(error))")
            }
            switch value {
            case .array(let values): return values.map { .success($0) }
            case .object: return [.success(value)]
            default:
                throw Problem(
                    status: .badRequest, kind: "invalid-json",
                    detail: "body must be a JSON object or an array of objects, not \(value.typeName)")
            }
        case .ndjson:
            return body.readableBytesView.split(separator: UInt8(ascii: "\n")).compactMap { line in
                let trimmed = line.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
                guard trimmed.contains(where: { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: " ") }) else {
                    return nil
                }
                do {
                    return .success(try decoder.decode(JSONValue.self, from: Data(trimmed)))
                } catch {
                    return .failure(
                        RecordDecoder.Rejection(field: nil, reason: "line is not valid JSON: \(reason(error))"))
                }
            }
        }
    }

    /// The parser's own words for why JSON is invalid, without the input it came from.
    private static func reason(_ error: any Error) -> String {
        guard let decodingError = error as? DecodingError else { return "unreadable" }
        switch decodingError {
        case .dataCorrupted(let context):
            let underlying = (context.underlyingError as? NSError)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return underlying ?? context.debugDescription
        default: return "unreadable"
        }
    }
}
