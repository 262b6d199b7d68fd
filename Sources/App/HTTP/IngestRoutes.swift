import Access
import Foundation
import Hummingbird
import Ingestion
import LogModel
import Retention
import Stores
import Telemetry

/// `POST /api/v1/logs`: validates each record, commits the valid ones through the group-commit
/// writer, and answers only after they are durable; per-tenant record and byte rate limits apply,
/// and optionally a per-credential record limit. Records go to the caller's tenant (ingest scope).
struct IngestRoutes<Store: LogStore, WriterClock: Clock<Duration>, Limiter: RateLimiter> {
    let writer: GroupCommitWriter<Store, WriterClock>
    let configuration: AppConfiguration
    /// Each tenant's retention, which bounds the timestamps it may send.
    let retentions: TenantRetentions
    let gate: RateLimitGate<Limiter>
    let limits: RateLimits
    let metrics: ServiceMetrics
    let cache: SearchCache
    let decoder = RecordDecoder()

    func register(on router: Router<AppRequestContext>) {
        router.post("/api/v1/logs") { request, context in
            try await ingest(request, context: context)
        }
    }

    private func ingest(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<IngestResponse> {
        let identity = try context.require(.ingest)
        let tenant = identity.tenant
        guard let format = IngestFormat(contentType: request.headers[.contentType]) else {
            throw Problem(
                status: .unsupportedMediaType, kind: "unsupported-media-type",
                detail: "Content-Type must be application/json or application/x-ndjson")
        }
        let declaredBytes = request.headers[.contentLength].flatMap(Int.init)
        if let declaredBytes, declaredBytes > configuration.maxBodyBytes {
            throw Problem.bodyTooLarge(limit: configuration.maxBodyBytes)
        }
        // A declared length is charged to the byte rate, and one record to the record rates, before the
        // body is read, so a tenant or key held at its rate costs the server no reading and no parsing.
        let credential = tenant + "/" + identity.actor
        let unreadHeaders = try await gate.enforce([
            (declaredBytes == nil ? nil : limits.ingestBytes, tenant, declaredBytes ?? 0),
            (limits.ingestRecords, tenant, 1), (limits.ingestRecordsPerCredential, credential, 1),
        ])
        var batch = IngestBatch(
            decoder: decoder, tenant: tenant, receivedAt: .now(),
            window: await retentions.window(for: tenant, aheadSeconds: configuration.maxFutureMinutes * 60),
            maxItems: configuration.maxRecordsPerRequest)
        let bodyBytes = try await IngestBodyReader(maxBodyBytes: configuration.maxBodyBytes)
            .read(request.body, format: format, into: &batch)
        guard batch.itemCount > 0 else {
            throw Problem(status: .badRequest, kind: "empty-batch", detail: "the body holds no records")
        }
        var accepted = batch.accepted
        var rejected = batch.rejected
        for (code, items) in Dictionary(grouping: rejected, by: \.code) {
            metrics.ingestRejected(reason: code, records: items.count, protocol: "http")
        }
        guard !accepted.isEmpty else { throw Self.noneValid(rejected) }
        let headers: HTTPFields
        let refused: Set<Int>
        do {
            let rest = accepted.count - 1
            let readHeaders = try await gate.enforce([
                (rest > 0 ? limits.ingestRecords : nil, tenant, rest),
                (declaredBytes == nil ? limits.ingestBytes : nil, tenant, bodyBytes),
                (rest > 0 ? limits.ingestRecordsPerCredential : nil, credential, rest),
            ])
            // A request with nothing left to charge reports the state after the charge before reading.
            headers = readHeaders.isEmpty ? unreadHeaders : readHeaders
            refused = try await writer.submit(accepted, bytes: bodyBytes)
        } catch let error as IngestUnavailable {
            metrics.ingestRejected(reason: "unavailable", records: accepted.count, protocol: "http")
            throw Problem.unavailable(
                error == .queueFull ? "the ingest queue is full; retry shortly" : "the service is shutting down")
        } catch let problem as Problem {
            metrics.ingestRejected(reason: "rate_limited", records: accepted.count, protocol: "http")
            throw problem
        } catch {
            metrics.ingestRejected(reason: "store_error", records: accepted.count, protocol: "http")
            throw error
        }
        if !refused.isEmpty {
            metrics.ingestRejected(reason: AttributeKeyGate.code, records: refused.count, protocol: "http")
            rejected += refused.map { position in
                IngestBatch.Rejected(
                    index: batch.acceptedItems[position], code: AttributeKeyGate.code,
                    reason: writer.attributeKeys?.reason ?? "")
            }
            rejected.sort { $0.index < $1.index }
            accepted = accepted.removing(positions: refused)
            guard !accepted.isEmpty else { throw Self.noneValid(rejected) }
        }
        await cache.invalidate(tenant: tenant)
        metrics.countAccepted(accepted, tenant: tenant, bytes: bodyBytes, protocol: "http")
        return EditedResponse(headers: headers, response: IngestResponse(accepted: accepted.count, rejected: rejected))
    }

    private static func noneValid(_ rejected: [IngestBatch.Rejected]) -> Problem {
        Problem(
            status: .badRequest, kind: "invalid-records", detail: "no record in the body is valid",
            errors: rejected.map { Problem.Detail(index: $0.index, code: $0.code, reason: $0.reason) })
    }

    private struct IngestResponse: ResponseEncodable {
        var accepted: Int
        var rejected: [IngestBatch.Rejected]
    }
}
