import Foundation
import HTTPTypes
import Hummingbird

/// An error answered as `application/problem+json` (RFC 9457), naming what is wrong and where.
struct Problem: Error, HTTPResponseError, CustomStringConvertible {
    /// One thing wrong with the request: the field (`pointer`), query parameter, or batch item
    /// (`index`) at fault, and why.
    struct Detail: Encodable, Sendable, Hashable {
        var pointer: String?
        var parameter: String?
        var index: Int?
        var position: Int?
        /// A stable slug for the reason, where there is one (a rejected record's `too_old`, ...).
        var code: String?
        var reason: String
    }

    var status: HTTPResponse.Status
    /// A short, stable slug naming the kind of problem, e.g. `invalid-query`.
    var kind: String
    var detail: String
    var errors: [Detail] = []
    var headers: HTTPFields = [:]
    /// For an upload cut short, the lines settled before it stopped (see ``UploadRoutes``).
    var committedLines: Int?

    var description: String { "Problem(\(status.code) \(kind)): \(detail)" }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(status: status, headers: responseHeaders, body: .init(byteBuffer: ByteBuffer(bytes: try body())))
    }

    /// The headers of the answer: the problem's own and its content type.
    var responseHeaders: HTTPFields {
        var headers = self.headers
        headers[.contentType] = "application/problem+json"
        return headers
    }

    /// The JSON body of the answer.
    func body() throws -> Data {
        try APIJSON.encoder().encode(
            Body(
                type: "https://logsmith.dev/problems/\(kind)", title: status.reasonPhrase, status: status.code,
                detail: detail, errors: errors.isEmpty ? nil : errors, committedLines: committedLines))
    }

    private struct Body: Encodable {
        var type: String
        var title: String
        var status: Int
        var detail: String
        var errors: [Detail]?
        var committedLines: Int?

        enum CodingKeys: String, CodingKey {
            case type, title, status, detail, errors
            case committedLines = "committed_lines"
        }
    }
}

extension Problem {
    /// 400 for a query parameter that cannot be used.
    static func badParameter(_ name: String, _ reason: String, position: Int? = nil) -> Problem {
        Problem(
            status: .badRequest, kind: "invalid-parameter", detail: "\(name): \(reason)",
            errors: [Detail(parameter: name, position: position, reason: reason)])
    }

    /// 503 with `Retry-After`, for a service that will likely recover.
    static func unavailable(_ detail: String, retryAfterSeconds: Int = 1) -> Problem {
        var headers = HTTPFields()
        headers[.retryAfter] = String(retryAfterSeconds)
        return Problem(status: .serviceUnavailable, kind: "unavailable", detail: detail, headers: headers)
    }

    /// 507 with `Retry-After`: the database's disk is full; writes succeed again once space is freed.
    static var storageFull: Problem {
        var problem = unavailable("the database's disk is full; retry once space is freed", retryAfterSeconds: 30)
        (problem.status, problem.kind) = (
            HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage"), "storage-full"
        )
        return problem
    }

    /// 500 that says nothing about the cause (which goes to the log, never to the client).
    static let internalError = Problem(status: .internalServerError, kind: "internal", detail: "internal error")
}
