import Access
import HTTPTypes
import Hummingbird
import Ingestion
import LogModel
import Retention
import Stores
import Telemetry

/// What every ingest route does around reading its body, whatever its protocol: the limits charged
/// before the body is read, the batch the body is decoded into, and the commit through the
/// group-commit writer, answered only once the records are durable.
struct IngestPipeline<Store: LogStore, WriterClock: Clock<Duration>, Limiter: RateLimiter> {
    let writer: GroupCommitWriter<Store, WriterClock>
    let configuration: AppConfiguration
    /// Each tenant's retention, which bounds the timestamps it may send.
    let retentions: TenantRetentions
    let gate: RateLimitGate<Limiter>
    let limits: RateLimits
    let metrics: ServiceMetrics
    let cache: SearchCache
    let decoder = RecordDecoder()

    /// A request let in before its body is read.
    struct Admission {
        var tenant: String
        /// The tenant and the key or user, for the per-credential record limit.
        var credential: String
        var declaredBytes: Int?
        /// The rate-limit headers after the charge.
        var headers: HTTPFields
    }

    /// What a commit stored and refused.
    struct Outcome {
        var accepted: Int
        var rejected: [IngestBatch.Rejected]
        var headers: HTTPFields
    }

    /// Checks the ingest scope and the declared length, and charges a declared length to the byte
    /// rate and one record to the record rates before the body is read, so a tenant or key held at
    /// its rate costs the server no reading and no parsing.
    func admit(_ request: Request, _ context: AppRequestContext) async throws -> Admission {
        let identity = try context.require(.ingest)
        let declaredBytes = request.headers[.contentLength].flatMap(Int.init)
        if let declaredBytes, declaredBytes > configuration.maxBodyBytes {
            throw Problem.bodyTooLarge(limit: configuration.maxBodyBytes)
        }
        let credential = identity.tenant + "/" + identity.actor
        let headers = try await gate.enforce([
            (declaredBytes == nil ? nil : limits.ingestBytes, identity.tenant, declaredBytes ?? 0),
            (limits.ingestRecords, identity.tenant, 1), (limits.ingestRecordsPerCredential, credential, 1),
        ])
        return Admission(
            tenant: identity.tenant, credential: credential, declaredBytes: declaredBytes, headers: headers)
    }

    /// An empty batch for the admitted tenant, with its timestamp window.
    func batch(for admission: Admission) async -> IngestBatch {
        IngestBatch(
            decoder: decoder, tenant: admission.tenant, receivedAt: .now(),
            window: await retentions.window(for: admission.tenant, aheadSeconds: configuration.maxFutureMinutes * 60),
            maxItems: configuration.maxRecordsPerRequest)
    }

    /// The whole body, inflated when gzip, and the bytes received; both are bounded by the body
    /// limit, so a small body that inflates past it is a 413 without being held whole.
    func wholeBody(_ body: RequestBody, gzip: Bool) async throws -> (bytes: [UInt8], wireBytes: Int) {
        let limit = configuration.maxBodyBytes
        var bytes: [UInt8] = []
        var wireBytes = 0
        let inflater = gzip ? try BodyInflater() : nil
        for try await chunk in body {
            wireBytes += chunk.readableBytes
            guard wireBytes <= limit else { throw Problem.bodyTooLarge(limit: limit) }
            guard let inflater else {
                bytes += chunk.readableBytesView
                continue
            }
            try inflater.inflate(chunk) { window in
                bytes += window.readableBytesView
                guard bytes.count <= limit else { throw Problem.bodyTooLarge(limit: limit) }
            }
        }
        try inflater?.finish()
        return (bytes, wireBytes)
    }

    /// Charges the rest of the batch to the rates and commits its valid records; `protocol` labels
    /// the metrics.
    /// - Throws: 400 when the body holds no record or no valid one, 429 past a rate, 503 when the
    ///   queue is full or the service is stopping.
    func commit(
        _ batch: IngestBatch, bodyBytes: Int, _ admission: Admission, protocol ingest: IngestProtocol
    ) async throws -> Outcome {
        guard batch.itemCount > 0 else {
            throw Problem(status: .badRequest, kind: "empty-batch", detail: "the body holds no records")
        }
        var accepted = batch.accepted
        var rejected = batch.rejected
        for (code, items) in Dictionary(grouping: rejected, by: \.code) {
            metrics.ingestRejected(reason: code, records: items.count, protocol: ingest.rawValue)
        }
        guard !accepted.isEmpty else { throw Self.noneValid(rejected) }
        let tenant = admission.tenant
        let headers: HTTPFields
        let refused: Set<Int>
        do {
            let rest = accepted.count - 1
            let readHeaders = try await gate.enforce([
                (rest > 0 ? limits.ingestRecords : nil, tenant, rest),
                (admission.declaredBytes == nil ? limits.ingestBytes : nil, tenant, bodyBytes),
                (rest > 0 ? limits.ingestRecordsPerCredential : nil, admission.credential, rest),
            ])
            // A request with nothing left to charge reports the state after the charge before reading.
            headers = readHeaders.isEmpty ? admission.headers : readHeaders
            refused = try await writer.submit(accepted, bytes: bodyBytes)
        } catch let error as IngestUnavailable {
            metrics.ingestRejected(reason: "unavailable", records: accepted.count, protocol: ingest.rawValue)
            throw Problem.unavailable(
                error == .queueFull ? "the ingest queue is full; retry shortly" : "the service is shutting down")
        } catch let problem as Problem {
            metrics.ingestRejected(reason: "rate_limited", records: accepted.count, protocol: ingest.rawValue)
            throw problem
        } catch {
            metrics.ingestRejected(reason: "store_error", records: accepted.count, protocol: ingest.rawValue)
            throw error
        }
        if !refused.isEmpty {
            metrics.ingestRejected(reason: AttributeKeyGate.code, records: refused.count, protocol: ingest.rawValue)
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
        metrics.countAccepted(accepted, tenant: tenant, bytes: bodyBytes, protocol: ingest.rawValue)
        return Outcome(accepted: accepted.count, rejected: rejected, headers: headers)
    }

    private static func noneValid(_ rejected: [IngestBatch.Rejected]) -> Problem {
        Problem(
            status: .badRequest, kind: "invalid-records", detail: "no record in the body is valid",
            errors: rejected.map { Problem.Detail(index: $0.index, code: $0.code, reason: $0.reason) })
    }
}
