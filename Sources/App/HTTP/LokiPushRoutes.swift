import Foundation
import HTTPTypes
import Hummingbird
import LogModel
import Shippers
import Stores

/// `POST /loki/api/v1/push`: Loki's push, JSON (gzip or not) or Snappy-compressed protobuf (what
/// Promtail, Grafana Alloy and the Docker driver send), on the ingest path of our own route
/// (``IngestPipeline``), answered 204 as Loki does. Entries that cannot be stored are named by their
/// position in a 400 problem, after the others are committed. An `X-Scope-OrgID` naming a tenant
/// other than the credential's is refused with 403: the tenant comes from the credential.
struct LokiPushRoutes<Store: LogStore, WriterClock: Clock<Duration>, Limiter: RateLimiter> {
    let pipeline: IngestPipeline<Store, WriterClock, Limiter>

    func register(on router: Router<AppRequestContext>) {
        for path in IngestProtocol.loki.paths {
            router.post(RouterPath(path)) { request, context in try await push(request, context: context) }
        }
    }

    private func push(_ request: Request, context: AppRequestContext) async throws -> Response {
        let mediaType = request.headers[.contentType]?.split(separator: ";").first?
            .trimmingBlanks.lowercased()
        let protobuf = mediaType == "application/x-protobuf"
        guard protobuf || mediaType == "application/json" else {
            throw Problem(
                status: .unsupportedMediaType, kind: "unsupported-media-type",
                detail: "Content-Type must be application/json or application/x-protobuf")
        }
        if protobuf { try Self.requireSnappy(request.headers) }
        let gzip = protobuf ? false : try BodyInflater.isDeclaredGzip(request.headers)
        let admission = try await pipeline.admit(request, context)
        if let organization = request.headers[.scopeOrganization], organization != admission.tenant {
            throw Problem(
                status: .forbidden, kind: "tenant-mismatch",
                detail: "X-Scope-OrgID names another tenant than the credential's; the credential sets the tenant")
        }
        let (body, wireBytes) = try await pipeline.wholeBody(request.body, gzip: gzip)
        let records: [JSONValue]
        do {
            records = protobuf ? try LokiPush.records(protobuf: try decompress(body)) : try LokiPush.records(body)
        } catch let problem as Problem {
            throw problem
        } catch {
            throw Problem(status: .badRequest, kind: "invalid-push", detail: "\(error)")
        }
        var batch = await pipeline.batch(for: admission)
        for record in records { try batch.add(.success(record)) }
        let outcome = try await pipeline.commit(batch, bodyBytes: wireBytes, admission, protocol: .loki)
        guard outcome.rejected.isEmpty else {
            throw Problem(
                status: .badRequest, kind: "invalid-records",
                detail: "\(outcome.accepted) entries were stored; the ones listed were not",
                errors: outcome.rejected.map { Problem.Detail(index: $0.index, code: $0.code, reason: $0.reason) },
                headers: outcome.headers)
        }
        return Response(status: .noContent, headers: outcome.headers)
    }

    /// A protobuf push is always Snappy-compressed: a `Content-Encoding` other than `snappy` (which
    /// some clients send) or none is refused with 415.
    private static func requireSnappy(_ headers: HTTPFields) throws {
        switch headers[.contentEncoding]?.lowercased() {
        case nil, "snappy": return
        default:
            throw Problem(
                status: .unsupportedMediaType, kind: "unsupported-encoding",
                detail: "a protobuf push is Snappy-compressed: Content-Encoding must be snappy or absent")
        }
    }

    /// The decompressed body, within the body limit (413 past it).
    private func decompress(_ body: [UInt8]) throws -> [UInt8] {
        let limit = pipeline.configuration.maxBodyBytes
        do {
            return try SnappyBlock.decompress(body, limit: limit)
        } catch .tooLarge {
            throw Problem.bodyTooLarge(limit: limit)
        } catch {
            throw Problem(status: .badRequest, kind: "invalid-encoding", detail: "\(error)")
        }
    }
}

extension HTTPField.Name {
    /// Loki's tenant header.
    fileprivate static let scopeOrganization = HTTPField.Name("X-Scope-OrgID")!
}
