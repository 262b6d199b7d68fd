import Foundation
import Hummingbird

/// Reads a small JSON request body into a type, answering 400 with the field at fault when it does not fit.
func decodeJSONBody<T: Decodable>(_ type: T.Type, from request: Request, limit: Int = 65_536) async throws -> T {
    let body = try await request.body.collect(upTo: limit)
    do {
        return try JSONDecoder().decode(T.self, from: Data(body.readableBytesView))
    } catch let DecodingError.keyNotFound(key, context) {
        throw Problem.badField(context.codingPath + [key], "is required")
    } catch let DecodingError.typeMismatch(expected, context) {
        throw Problem.badField(context.codingPath, "must be of type \(expected)")
    } catch let DecodingError.valueNotFound(_, context) {
        throw Problem.badField(context.codingPath, "must not be null")
    } catch let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
        throw Problem.badField(context.codingPath, context.debugDescription)
    } catch {
        throw Problem(status: .badRequest, kind: "invalid-json", detail: "body is not a valid JSON object")
    }
}

extension Problem {
    /// 400 naming one body field by JSON pointer, and the position in its text where there is one.
    static func badField(_ path: [any CodingKey], _ reason: String, position: Int? = nil) -> Problem {
        let pointer = "/" + path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: "/")
        return Problem(
            status: .badRequest, kind: "invalid-field", detail: "\(pointer): \(reason)",
            errors: [Detail(pointer: pointer, position: position, reason: reason)])
    }
}
