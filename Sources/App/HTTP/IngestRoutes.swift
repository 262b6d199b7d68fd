import Access
import Foundation
import Hummingbird
import LogModel
import Stores
import Telemetry

/// `POST /api/v1/logs`: validates each record, commits the valid ones through the group-commit
/// writer, and answers only after they are durable; per-tenant record and byte rate limits apply,
/// and optionally a per-credential record limit. Records go to the caller's tenant (ingest scope).
struct IngestRoutes<Store: LogStore, WriterClock: Clock<Duration>, Limiter: RateLimiter> {
    let writer: GroupCommitWriter<Store, WriterClock>
    let configuration: AppConfiguration
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
        guard let format = IngestBody.Format(contentType: request.headers[.contentType]) else {
            throw Problem(
                status: .unsupportedMediaType, kind: "unsupported-media-type",
                detail: "Content-Type must be application/json or application/x-ndjson")
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > configuration.maxBodyBytes {
            throw tooLarge()
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: configuration.maxBodyBytes)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw tooLarge()
        }
        let items = try IngestBody.items(body, format: format)
        guard !items.isEmpty else {
            throw Problem(status: .badRequest, kind: "empty-batch", detail: "the body holds no records")
        }
        guard items.count <= configuration.maxRecordsPerRequest else {
            throw Problem(
                status: .contentTooLarge, kind: "too-many-records",
                detail: "\(items.count) records in one request; the limit is \(configuration.maxRecordsPerRequest)")
        }
        let receivedAt = Timestamp.now()
        var accepted: [LogRecord] = []
        var rejected: [Rejected] = []
        for (index, item) in items.enumerated() {
            switch item.flatMap({ decoder.decode($0, tenant: tenant, receivedAt: receivedAt) }) {
            case .success(let record): accepted.append(record)
            case .failure(let rejection): rejected.append(Rejected(index: index, reason: rejection.description))
            }
        }
        metrics.ingestRejected(reason: "invalid", records: rejected.count)
        guard !accepted.isEmpty else {
            throw Problem(
                status: .badRequest, kind: "invalid-records", detail: "no record in the body is valid",
                errors: rejected.map { Problem.Detail(index: $0.index, reason: $0.reason) })
        }
        let headers: HTTPFields
        do {
            headers = try await gate.enforce([
                (limits.ingestRecords, tenant, accepted.count), (limits.ingestBytes, tenant, body.readableBytes),
                (limits.ingestRecordsPerCredential, tenant + "/" + identity.actor, accepted.count),
            ])
            try await writer.submit(accepted, bytes: body.readableBytes)
        } catch let error as IngestUnavailable {
            metrics.ingestRejected(reason: "unavailable", records: accepted.count)
            throw Problem.unavailable(
                error == .queueFull ? "the ingest queue is full; retry shortly" : "the service is shutting down")
        } catch let problem as Problem {
            metrics.ingestRejected(reason: "rate_limited", records: accepted.count)
            throw problem
        } catch {
            metrics.ingestRejected(reason: "store_error", records: accepted.count)
            throw error
        }
        await cache.invalidate(tenant: tenant)
        countAccepted(accepted, tenant: tenant, bytes: body.readableBytes)
        return EditedResponse(headers: headers, response: IngestResponse(accepted: accepted.count, rejected: rejected))
    }

    /// Counts committed records by level, sharing the body's bytes out by record count.
    private func countAccepted(_ records: [LogRecord], tenant: String, bytes: Int) {
        let levels = Dictionary(grouping: records) { $0.level.rawValue.lowercased() }
        for (level, group) in levels {
            metrics.ingestAccepted(
                tenant: tenant, level: level, records: group.count, bytes: bytes * group.count / records.count)
        }
    }

    private func tooLarge() -> Problem {
        Problem(
            status: .contentTooLarge, kind: "body-too-large",
            detail: "the body is larger than \(configuration.maxBodyBytes) bytes")
    }

    private struct Rejected: Encodable {
        var index: Int
        var reason: String
    }

    private struct IngestResponse: ResponseEncodable {
        var accepted: Int
        var rejected: [Rejected]
    }
}
