import HTTPTypes
import Hummingbird
import Instrumentation
import LogModel
import Logging
import Telemetry
import Tracing

/// The outermost middleware: gives every request its IDs, its SERVER span, its duration histogram
/// sample and its access-log line, and returns `X-Request-ID`, `X-Correlation-ID` and
/// `traceparent` on every response, errors included.
///
/// `X-Request-ID` is kept when it is a sane token, else generated; `X-Correlation-ID` defaults to
/// the request ID. Both, with the trace and span IDs, sit in the task's service context, where
/// log lines, child spans and the group-commit writer find them. They never change the records a
/// client ingests.
struct RequestTelemetryMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let tracer: SpanTracer
    let metrics: ServiceMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let start = ContinuousClock.now
        let requestID = RequestIdentifiers.sane(request.headers[.requestID]) ?? RequestIdentifiers.generate()
        var serviceContext = ServiceContext.current ?? .topLevel
        tracer.extract(request.headers, into: &serviceContext, using: HTTPFieldsCarrier())
        serviceContext.requestID = requestID
        serviceContext.correlationID = RequestIdentifiers.sane(request.headers[.correlationID]) ?? requestID
        let route = context.endpointPath
        let method = request.method.rawValue
        let span = tracer.startSpan(route.map { "\(method) \($0)" } ?? method, context: serviceContext, ofKind: .server)
        span.updateAttributes { attributes in
            attributes["http.request.method"] = method
            attributes["url.path"] = request.uri.path
            attributes["url.scheme"] = "http"
            attributes["http.route"] = route
            attributes["server.address"] = request.head.authority.map(Self.host(of:))
            attributes["server.port"] = context.localPort
            attributes["client.address"] = context.clientAddress
            attributes["user_agent.original"] = request.headers[.userAgent]
        }
        var response = await ServiceContext.$current.withValue(span.context) {
            await Self.respond(request, context: context, span: span, next: next)
        }
        let status = Int(response.status.code)
        span.attributes["http.response.status_code"] = status
        if status >= 500 {
            span.attributes["error.type"] = String(status)
            span.setStatus(SpanStatus(code: .error))
        }
        response.headers[.requestID] = requestID
        response.headers[.correlationID] = span.context.correlationID
        tracer.inject(span.context, into: &response.headers, using: HTTPFieldsCarrier())
        let duration = ContinuousClock.now - start
        metrics.request(method: method, route: route ?? "unmatched", status: status, duration: duration)
        var metadata: Logger.Metadata = [
            "http.request.method": "\(method)", "http.route": "\(route ?? "unmatched")",
            "url.path": "\(request.uri.path)", "http.response.status_code": "\(status)",
            "duration_ms": "\(duration / .milliseconds(1))",
            "http.request.body.size": "\(request.headers[.contentLength] ?? "0")",
            "http.response.body.size": "\(response.body.contentLength.map(String.init) ?? "unknown")",
            "client.address": "\(context.clientAddress ?? "unknown")",
        ]
        if let ingest = route.flatMap(IngestProtocol.init(route:)) {
            metadata["logsmith.ingest.protocol"] = "\(ingest.rawValue)"
        }
        ServiceContext.$current.withValue(span.context) { context.logger.info("request", metadata: metadata) }
        span.end()
        return response
    }

    /// Runs the rest of the chain, turning a thrown error into its response (every route error is
    /// already a problem; anything else becomes a bare 500 problem).
    private static func respond(
        _ request: Request, context: Context, span: RecordingSpan,
        next: (Request, Context) async throws -> Response
    ) async -> Response {
        do {
            return try await next(request, context)
        } catch {
            span.recordError(error)
            let problem =
                error as? any HTTPResponseError
                ?? Problem.internalError
            return (try? problem.response(from: request, context: context))
                ?? Response(status: .internalServerError)
        }
    }

    private static func host(of authority: String) -> String {
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            return String(authority[...close])
        }
        return String(authority.prefix { $0 != ":" })
    }
}

/// Reads and writes W3C trace headers on Hummingbird's header fields.
struct HTTPFieldsCarrier: Extractor, Injector {
    func extract(key: String, from carrier: HTTPFields) -> String? {
        HTTPField.Name(key).flatMap { carrier[$0] }
    }

    func inject(_ value: String, forKey key: String, into carrier: inout HTTPFields) {
        if let name = HTTPField.Name(key) { carrier[name] = value }
    }
}

/// The request and correlation ID headers and what values of them we accept.
enum RequestIdentifiers {
    /// Accepts 1-128 characters of letters, digits and `-_.:`; anything else is replaced, so a
    /// header cannot inject into logs or grow without bound.
    static func sane(_ value: String?) -> String? {
        guard let value, (1...128).contains(value.utf8.count),
            value.utf8.allSatisfy({ byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                    || [0x2D, 0x5F, 0x2E, 0x3A].contains(byte)
            })
        else { return nil }
        return value
    }

    /// A new random ID: a UUIDv7 in lowercase, so that IDs sort by the time of their request.
    /// (Foundation's `UUID()` opens, reads and closes `/dev/urandom` for each one: 6 µs of the
    /// server's CPU a request.)
    static func generate() -> String {
        RecordID.make(at: .now())
    }
}

extension HTTPField.Name {
    /// `X-Request-ID`.
    static let requestID = HTTPField.Name("X-Request-ID")!
    /// `X-Correlation-ID`.
    static let correlationID = HTTPField.Name("X-Correlation-ID")!
}
