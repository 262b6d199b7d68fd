import HTTPTypes
import Hummingbird
import LogModel
import NIOCore
import Shippers
import Stores

/// `POST /v1/logs` and `/otlp/v1/logs`: OTLP/HTTP logs, protobuf or OTLP/JSON, gzip or not, on
/// the ingest path of our own route (``IngestPipeline``), answered as the specification says: an
/// `ExportLogsServiceResponse` in the request's encoding, with `partial_success` naming the records
/// not stored, and errors as a `google.rpc.Status` with the HTTP status (429 and 503 with
/// `Retry-After`).
struct OTLPLogRoutes<Store: LogStore, WriterClock: Clock<Duration>, Limiter: RateLimiter> {
    let pipeline: IngestPipeline<Store, WriterClock, Limiter>

    func register(on router: Router<AppRequestContext>) {
        for path in IngestProtocol.otlp.paths {
            router.post(RouterPath(path)) { request, context in
                let encoding = OTLPLogs.Encoding(contentType: request.headers[.contentType])
                do {
                    return try await export(request, context: context, encoding: encoding)
                } catch {
                    let problem = ProblemMiddleware<AppRequestContext>.problem(for: error, context: context)
                    return Self.response(problem, encoding ?? .protobuf)
                }
            }
        }
    }

    private func export(
        _ request: Request, context: AppRequestContext, encoding: OTLPLogs.Encoding?
    ) async throws -> Response {
        guard let encoding else {
            throw Problem(
                status: .unsupportedMediaType, kind: "unsupported-media-type",
                detail: "Content-Type must be application/x-protobuf or application/json")
        }
        let gzip = try BodyInflater.isDeclaredGzip(request.headers)
        let admission = try await pipeline.admit(request, context)
        let (body, wireBytes) = try await pipeline.wholeBody(request.body, gzip: gzip)
        let records: [JSONValue]
        do {
            records = try OTLPLogs.records(body, encoding)
        } catch {
            throw Problem(
                status: .badRequest, kind: "invalid-otlp",
                detail: "the body is not an ExportLogsServiceRequest in \(encoding.contentType): \(error)")
        }
        var batch = await pipeline.batch(for: admission)
        for record in records { try batch.add(.success(record)) }
        let outcome = try await pipeline.commit(batch, bodyBytes: wireBytes, admission, protocol: .otlp)
        var headers = outcome.headers
        headers[.contentType] = encoding.contentType
        let reasons = outcome.rejected.prefix(5).map { "record \($0.index): \($0.reason)" }
        let more = outcome.rejected.count > 5 ? "; and \(outcome.rejected.count - 5) more" : ""
        let answer = OTLPLogs.response(
            rejected: outcome.rejected.count, errorMessage: reasons.joined(separator: "; ") + more, encoding)
        return Response(status: .ok, headers: headers, body: Self.body(answer))
    }

    /// A problem as OTLP answers it: its status and headers, a `google.rpc.Status` body.
    private static func response(_ problem: Problem, _ encoding: OTLPLogs.Encoding) -> Response {
        var headers = problem.headers
        headers[.contentType] = encoding.contentType
        let details = problem.errors.prefix(5).map { detail in
            (detail.index.map { "record \($0): " } ?? "") + detail.reason
        }
        let message = ([problem.detail] + details).joined(separator: "; ")
        return Response(
            status: problem.status, headers: headers,
            body: body(OTLPLogs.status(httpStatus: problem.status.code, message: message, encoding)))
    }

    private static func body(_ bytes: [UInt8]) -> ResponseBody {
        ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
    }
}
