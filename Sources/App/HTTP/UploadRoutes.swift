import Access
import Foundation
import HTTPTypes
import Hummingbird
import Ingestion
import LogModel
import NIOCore
import Parsing
import Retention
import Stores
import Telemetry

/// `POST /api/v1/upload`: a raw text file (optionally gzip) as the body, read as a stream in bounded
/// memory, parsed line by line (``UploadSession``) and committed through the group-commit writer in
/// batches as it goes; `GET /api/v1/uploads/{id}`: how far an upload with that `upload_id` got.
///
/// A batch waits for the tenant's record and byte rates rather than failing, so a large upload
/// proceeds at the tenant's rate. An upload with an `upload_id` holds a claim on it (``JobElection``:
/// an advisory lock on PostgreSQL, so across replicas) while its body is read; a second upload with
/// the same ID meanwhile is a 409, so a client that resumes after a dropped connection cannot race
/// the server still reading the first; and once it holds the claim, an upload passes over the lines
/// of its ID already stored, so sending the same file again with the same ID stores no line twice. When the upload cannot go on (the writer is shutting down, the
/// store fails) the problem says how many lines are settled (`committed_lines`): sending the same
/// file again with `skip_lines` set to it resumes without storing a line twice.
struct UploadRoutes<
    WriterStore: LogStore, ReadStore: LogStore & JobElection, WriterClock: Clock<Duration>, Limiter: RateLimiter
> {
    /// The writer, limits, rates and metrics every ingest route shares.
    let pipeline: IngestPipeline<WriterStore, WriterClock, Limiter>
    let store: ReadStore

    func register(on router: Router<AppRequestContext>) {
        for path in IngestProtocol.upload.paths {
            router.post(RouterPath(path)) { request, context in try await upload(request, context: context) }
        }
        router.get("/api/v1/uploads/:id") { _, context in
            let tenant = try context.require(.ingest).tenant
            let id = try context.parameters.require("id")
            guard UploadOptions.isUploadID(id) else {
                throw Problem(
                    status: .notFound, kind: "not-found",
                    detail: "an upload ID is 1 to 64 letters, digits, '.', '_' or '-'")
            }
            return UploadProgress(
                uploadID: id, committedLines: try await store.uploadProgress(tenant: tenant, uploadID: id))
        }
    }

    private func upload(_ request: Request, context: AppRequestContext) async throws -> UploadSummary {
        let identity = try context.require(.ingest)
        let options = try UploadOptions(try FormQuery(request.uri.query))
        let gzipEncoded = try Self.isGzipEncoded(request.headers)
        let (tenant, actor) = (identity.tenant, identity.actor)
        guard let uploadID = options.uploadID else {
            return try await read(request.body, options: options, tenant: tenant, actor: actor, gzip: gzipEncoded)
        }
        let summary = try await store.runExclusively("upload \(tenant) \(uploadID)") {
            var resumed = options
            resumed.skipLines = max(
                options.skipLines, try await store.uploadProgress(tenant: tenant, uploadID: uploadID))
            return try await read(request.body, options: resumed, tenant: tenant, actor: actor, gzip: gzipEncoded)
        }
        guard let summary else {
            var headers = HTTPFields()
            headers[.retryAfter] = "1"
            throw Problem(
                status: .conflict, kind: "upload-in-progress",
                detail: "an upload with this upload_id is still being read; retry once it ends", headers: headers)
        }
        return summary
    }

    /// Reads, parses and commits the body. One batch commits while the next is read and parsed;
    /// the next commit starts only once the one before has succeeded, so the committed lines are
    /// always a prefix of the body.
    private func read(_ body: RequestBody, options: UploadOptions, tenant: String, actor: String, gzip: Bool)
        async throws -> UploadSummary
    {
        let started = ContinuousClock.now
        var session = UploadSession(
            options: options, tenant: tenant,
            window: await pipeline.retentions.window(
                for: tenant, aheadSeconds: pipeline.configuration.maxFutureMinutes * 60),
            maxLineBytes: RecordLimits.default.maxMessageBytes)
        var framer = LineFramer(maxLineBytes: session.maxLineBytes)
        var progress = Progress(committedLines: options.skipLines)
        var inflater: BodyInflater?
        var pending: PendingCommit?
        do {
            for try await chunk in body {
                if progress.bodyBytes == 0, gzip || BodyInflater.isGzip(chunk) { inflater = try BodyInflater() }
                progress.bodyBytes += chunk.readableBytes
                let feed: (ByteBuffer) throws -> Void = { text in
                    progress.textBytes += text.readableBytes
                    guard progress.textBytes <= pipeline.configuration.maxUploadBytes else {
                        throw Problem.bodyTooLarge(limit: pipeline.configuration.maxUploadBytes)
                    }
                    text.withUnsafeReadableBytes { bytes in framer.feed(bytes) { session.add($0) } }
                }
                if let inflater { try inflater.inflate(chunk, feed) } else { try feed(chunk) }
                while session.heldRecords >= batchRecords {
                    try await pending?.settle(&progress, &session)
                    pending = startCommit(&session, actor: actor)
                }
            }
            try inflater?.finish()
            framer.finish { session.add($0) }
            session.finish()
            while session.heldRecords > 0 {
                try await pending?.settle(&progress, &session)
                pending = startCommit(&session, actor: actor)
            }
            try await pending?.settle(&progress, &session)
            progress.committedLines = session.lines
        } catch {
            try? await pending?.settle(&progress, &session)
            throw PartialUpload(
                committedLines: progress.committedLines, error: (error as? PartialUpload)?.error ?? error)
        }
        for (code, count) in session.rejectedByCode {
            pipeline.metrics.ingestRejected(reason: code, records: count, protocol: IngestProtocol.upload.rawValue)
        }
        return UploadSummary(
            format: session.reader.format?.rawValue ?? TextFormat.plain.rawValue, lines: session.lines,
            skippedLines: min(options.skipLines, session.lines), accepted: progress.accepted,
            rejected: session.rejected, rejections: session.rejections, bytes: progress.bodyBytes,
            textBytes: progress.textBytes, committedLines: session.lines, uploadID: options.uploadID,
            durationMilliseconds: (ContinuousClock.now - started) / .milliseconds(1))
    }

    /// Records per commit: no more than one ingest request may hold, so every batch fits the rate
    /// limits' bursts.
    private var batchRecords: Int { min(5000, pipeline.configuration.maxRecordsPerRequest) }

    /// Starts committing up to ``batchRecords`` of the held records, waiting for the tenant's rates
    /// and for room in the writer's queue.
    private func startCommit(_ session: inout UploadSession, actor: String) -> PendingCommit {
        let (records, bytes, lastLines) = session.takeBatch(upTo: batchRecords)
        let tenant = session.tenant
        let task = Task {
            let refused: Set<Int>
            do {
                try await waitForRates(tenant: tenant, actor: actor, records: records.count, bytes: bytes)
                refused = try await submit(records, bytes: bytes)
            } catch {
                pipeline.metrics.ingestRejected(
                    reason: "unavailable", records: records.count, protocol: IngestProtocol.upload.rawValue)
                throw error
            }
            await pipeline.cache.invalidate(tenant: tenant)
            let committed = records.removing(positions: refused)
            pipeline.metrics.countAccepted(
                committed, tenant: tenant, bytes: bytes, protocol: IngestProtocol.upload.rawValue)
            return refused
        }
        return PendingCommit(task: task, lastLines: lastLines, reason: pipeline.writer.attributeKeys?.reason ?? "")
    }

    /// Takes the batch's cost from the tenant's limits, sleeping as long as each 429 says.
    private func waitForRates(tenant: String, actor: String, records: Int, bytes: Int) async throws {
        while true {
            do {
                _ = try await pipeline.gate.enforce([
                    (pipeline.limits.ingestRecords, tenant, records),
                    (pipeline.limits.ingestBytes, tenant, min(bytes, pipeline.configuration.maxBodyBytes)),
                    (pipeline.limits.ingestRecordsPerCredential, tenant + "/" + actor, records),
                ])
                return
            } catch let problem as Problem where problem.status == .tooManyRequests {
                let seconds = problem.headers[.retryAfter].flatMap(Int.init) ?? 1
                try await Task.sleep(for: .seconds(min(max(seconds, 1), 10)))
            }
        }
    }

    /// Submits to the writer, waiting while its queue is full (up to 30 s); returns the positions of
    /// the records the writer refused.
    private func submit(_ records: [LogRecord], bytes: Int) async throws -> Set<Int> {
        for _ in 0..<300 {
            do {
                return try await pipeline.writer.submit(records, bytes: bytes)
            } catch IngestUnavailable.queueFull {
                try await Task.sleep(for: .milliseconds(100))
            } catch IngestUnavailable.shuttingDown {
                throw Problem.unavailable("the service is shutting down")
            }
        }
        throw Problem.unavailable("the ingest queue stayed full for 30 s; retry shortly")
    }

    /// Whether `Content-Encoding` says gzip; refuses other codings and multipart forms (any other
    /// media type is read as text, curl's default `application/x-www-form-urlencoded` included).
    private static func isGzipEncoded(_ headers: HTTPFields) throws -> Bool {
        let mediaType = headers[.contentType]?.split(separator: ";").first?.trimmingBlanks
            .lowercased()
        if let mediaType, mediaType.hasPrefix("multipart/") {
            throw Problem(
                status: .unsupportedMediaType, kind: "unsupported-media-type",
                detail: "send the file itself as the body (text/plain, or gzip), not a form")
        }
        return try BodyInflater.isDeclaredGzip(headers)
    }

    struct Progress {
        var bodyBytes = 0
        var textBytes = 0
        var accepted = 0
        /// Lines stored or needing nothing more; from the start, the lines skipped.
        var committedLines: Int
    }

    /// A batch being committed, and the last line of its last record.
    struct PendingCommit {
        /// The positions of the records the writer refused, once the others are committed.
        let task: Task<Set<Int>, any Error>
        /// The last line of each record.
        let lastLines: [Int]
        /// Why the writer refuses a record.
        let reason: String

        /// Waits for the commit; on success, counts it into `progress` (every line up to its last
        /// record's is then stored or needs nothing more) and the refused records into `session`.
        func settle(_ progress: inout Progress, _ session: inout UploadSession) async throws {
            let refused = try await task.value
            for position in refused.sorted() {
                session.reject(lastLines[position], code: AttributeKeyGate.code, reason: reason)
            }
            progress.accepted += lastLines.count - refused.count
            progress.committedLines = max(progress.committedLines, lastLines.last ?? 0)
        }
    }
}

/// An upload that stopped part of the way, and how many of its lines are settled; the problem for
/// `error` carries them as `committed_lines`.
struct PartialUpload: Error {
    var committedLines: Int
    var error: any Error
}

/// The answer to an upload.
struct UploadSummary: ResponseEncodable {
    /// The format the lines were read as (detected or given).
    var format: String
    /// Lines in the body, skipped ones included.
    var lines: Int
    var skippedLines: Int
    /// Records committed.
    var accepted: Int
    /// Lines that became no record.
    var rejected: Int
    /// The first rejected lines, with their numbers and reasons.
    var rejections: [UploadSession.Rejection]
    /// Bytes of the body as sent.
    var bytes: Int
    /// Bytes of text, after decompression.
    var textBytes: Int
    /// Lines settled: to resume an upload cut short, send it again with `skip_lines` set to this.
    var committedLines: Int
    var uploadID: String?
    var durationMilliseconds: Double

    enum CodingKeys: String, CodingKey {
        case format, lines, accepted, rejected, rejections, bytes
        case skippedLines = "skipped_lines"
        case textBytes = "text_bytes"
        case committedLines = "committed_lines"
        case uploadID = "upload_id"
        case durationMilliseconds = "duration_ms"
    }
}

/// How far an upload got.
struct UploadProgress: ResponseEncodable {
    var uploadID: String
    /// Lines of the upload that are stored or need nothing more; resume with `skip_lines` set to it.
    var committedLines: Int

    enum CodingKeys: String, CodingKey {
        case uploadID = "upload_id"
        case committedLines = "committed_lines"
    }
}
