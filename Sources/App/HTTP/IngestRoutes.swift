import Hummingbird
import LogModel
import Stores

/// `POST /api/v1/logs`: validates each record, commits the valid ones through the group-commit
/// writer, and answers only after they are durable; per-tenant record and byte rate limits apply,
/// and optionally a per-credential record limit. Records go to the caller's tenant (ingest scope).
struct IngestRoutes<Store: LogStore, WriterClock: Clock<Duration>, Limiter: RateLimiter> {
    let pipeline: IngestPipeline<Store, WriterClock, Limiter>

    func register(on router: Router<AppRequestContext>) {
        for path in IngestProtocol.native.paths {
            router.post(RouterPath(path)) { request, context in try await ingest(request, context: context) }
        }
    }

    private func ingest(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<IngestResponse> {
        guard let format = IngestFormat(contentType: request.headers[.contentType]) else {
            throw Problem(
                status: .unsupportedMediaType, kind: "unsupported-media-type",
                detail: "Content-Type must be application/json or application/x-ndjson")
        }
        let admission = try await pipeline.admit(request, context)
        var batch = await pipeline.batch(for: admission)
        let bodyBytes = try await IngestBodyReader(maxBodyBytes: pipeline.configuration.maxBodyBytes)
            .read(request.body, format: format, into: &batch)
        let outcome = try await pipeline.commit(batch, bodyBytes: bodyBytes, admission, protocol: .native)
        return EditedResponse(
            headers: outcome.headers, response: IngestResponse(accepted: outcome.accepted, rejected: outcome.rejected))
    }

    /// `{"accepted": n, "rejected": [{"code", "index", "reason"}]}`, keys in order as `APIJSON` writes
    /// them; written by `JSONOutput`, since `JSONEncoder` took 2.5% of the server's CPU at one record
    /// per request.
    private struct IngestResponse: ResponseGenerator {
        var accepted: Int
        var rejected: [IngestBatch.Rejected]

        func response(from request: Request, context: some RequestContext) -> Response {
            var output = JSONOutput(capacity: 32 + rejected.count * 80)
            output.raw("{")
            output.key("accepted", first: true)
            output.integer(accepted)
            output.key("rejected")
            output.raw("[")
            for (position, item) in rejected.enumerated() {
                output.raw(position == 0 ? "{" : ",{")
                output.key("code", first: true)
                output.string(item.code)
                output.key("index")
                output.integer(item.index)
                output.key("reason")
                output.string(item.reason)
                output.raw("}")
            }
            output.raw("]}")
            return .encodedJSON(output.bytes, headers: [:])
        }
    }
}
