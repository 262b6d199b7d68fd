import Foundation
import HTTPTypes
import Hummingbird
import LogModel
import NIOCore
import Shippers
import Stores

/// Elasticsearch's `POST /_bulk` and `POST /{index}/_bulk` on the ingest path of our own route
/// (``IngestPipeline``), answered as Elasticsearch does (`took`, `errors`, one result per item, a
/// bad item never failing the others). Every answer carries `X-Elastic-Product: Elasticsearch`;
/// errors are Elasticsearch's `{"error": {"type", "reason"}, "status"}`. `GET /` answers the clients'
/// product check (``ElasticsearchResponse/clusterInfo``) unless a browser asks (``ExplorerRoutes``).
struct ElasticsearchRoutes<Store: LogStore, WriterClock: Clock<Duration>, Limiter: RateLimiter> {
    let pipeline: IngestPipeline<Store, WriterClock, Limiter>

    func register(on router: Router<AppRequestContext>) {
        for path in IngestProtocol.elasticsearch.paths {
            // The official clients send PUT; the documentation shows POST.
            router.on(RouterPath(path), method: .post, use: answer)
            router.on(RouterPath(path), method: .put, use: answer)
        }
    }

    private func answer(_ request: Request, context: AppRequestContext) async throws -> Response {
        do {
            return try await bulk(request, context: context, index: context.parameters.get("index"))
        } catch {
            let problem = ProblemMiddleware<AppRequestContext>.problem(for: error, context: context)
            var response = ElasticsearchResponse.json(
                .object([
                    "error": .object(["type": .string(problem.kind), "reason": .string(problem.detail)]),
                    "status": .integer(Int64(problem.status.code)),
                ]), status: problem.status)
            response.headers.append(contentsOf: problem.headers)
            return response
        }
    }

    private func bulk(_ request: Request, context: AppRequestContext, index: String?) async throws -> Response {
        let started = ContinuousClock.now
        let gzip = try BodyInflater.isDeclaredGzip(request.headers)
        let admission = try await pipeline.admit(request, context)
        let (body, wireBytes) = try await pipeline.wholeBody(request.body, gzip: gzip)
        let items: [ElasticsearchBulk.Item]
        do {
            items = try ElasticsearchBulk.items(body, defaultIndex: index)
        } catch {
            throw Problem(status: .badRequest, kind: "illegal_argument_exception", detail: "\(error)")
        }
        guard !items.isEmpty else {
            throw Problem(
                status: .badRequest, kind: "action_request_validation_exception",
                detail: "Validation Failed: 1: no requests added;")
        }
        var batch = await pipeline.batch(for: admission)
        var itemOfDocument: [Int] = []
        for (position, item) in items.enumerated() {
            if case .success(let document) = item.document {
                try batch.add(.success(document))
                itemOfDocument.append(position)
            }
        }
        var results = items.map { item -> Result<String, ElasticsearchBulk.Refusal> in
            item.document.map { _ in "" }
        }
        var headers = admission.headers
        if batch.itemCount > 0 {
            let outcome = try await pipeline.commit(batch, bodyBytes: wireBytes, admission, protocol: .elasticsearch)
            headers = outcome.headers
            let refused = Dictionary(outcome.rejected.map { ($0.index, $0.reason) }) { first, _ in first }
            for (document, position) in itemOfDocument.enumerated() {
                if let reason = refused[document] {
                    results[position] = .failure(
                        ElasticsearchBulk.Refusal(status: 400, type: "document_parsing_exception", reason: reason))
                }
            }
            for (record, document) in zip(batch.accepted, batch.acceptedItems) where refused[document] == nil {
                results[itemOfDocument[document]] = .success(record.id)
            }
        }
        let answer = zip(items, results).map { item, result -> JSONValue in
            var fields: [String: JSONValue] = ["_index": item.index.map(JSONValue.string) ?? .null]
            switch result {
            case .success(let id):
                fields["_id"] = .string(id)
                fields["status"] = .integer(201)
                fields["result"] = .string("created")
            case .failure(let refusal):
                fields["_id"] = item.id.map(JSONValue.string) ?? .null
                fields["status"] = .integer(Int64(refusal.status))
                fields["error"] = .object(["type": .string(refusal.type), "reason": .string(refusal.reason)])
            }
            return .object([item.action: .object(fields)])
        }
        var response = ElasticsearchResponse.json(
            .object([
                "took": .integer(Int64((ContinuousClock.now - started) / .milliseconds(1))),
                "errors": .bool(results.contains { if case .failure = $0 { true } else { false } }),
                "items": .array(answer),
            ]), status: .ok)
        response.headers.append(contentsOf: headers)
        return response
    }
}
