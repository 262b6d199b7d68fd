import Access
import Foundation
import HTTPTypes
import Hummingbird
import LogModel
import NIOCore
import ServiceLifecycle
import Stores
import Tailing

/// `GET /api/v1/tail`: the records of the caller's tenant matching `q`, streamed as Server-Sent Events
/// as they are committed on any replica (read scope, rate-limited like a search).
///
/// Each `log` event carries a JSON array of records, oldest first, and as its `id` the cursor of its
/// last record; a client that reconnects with that ID in `Last-Event-ID` (or `?since=`) continues
/// where it stopped. `?since=` also takes a time, to start with the records from then.
struct TailRoutes<Limiter: RateLimiter> {
    let hub: TailHub
    let gate: RateLimitGate<Limiter>
    let limits: RateLimits
    /// How long the stream may stay silent before a heartbeat comment.
    let heartbeat: Duration

    func register(on router: Router<AppRequestContext>) {
        router.get("/api/v1/tail") { request, context in
            let tenant = try context.require(.read).tenant
            var headers = try await gate.enforceRead(limits, context)
            let parameters = try FormQuery(request.uri.query)
            let query = try SearchFilter.query(parameters)
            let start = try Self.start(parameters, lastEventID: request.headers[.lastEventID])
            let tail: Tail
            do {
                tail = try await hub.open(tenant: tenant, query: query, resumingAfter: start.cursor?.id)
            } catch TailRefused.tooManyTails(let limit) {
                throw Problem(
                    status: .tooManyRequests, kind: "too-many-tails",
                    detail: "the tenant has \(limit) live tails open, the most allowed", headers: [.retryAfter: "5"])
            } catch {
                throw Problem.unavailable("live tail cannot hear new records now", retryAfterSeconds: 5)
            }
            let backfill: [LogRecord]
            if !tail.resumedExactly, let since = start.cursor?.timestamp ?? start.time {
                backfill = try await tail.backfill(since: since, after: start.cursor)
            } else {
                backfill = []
            }
            headers[.contentType] = "text/event-stream; charset=utf-8"
            headers[.cacheControl] = "no-cache"
            headers[.accelBuffering] = "no"
            let cancellation = QueryCancellation()
            context.client?.cancelOnLeave(cancellation)
            return Response(
                status: .ok, headers: headers,
                body: ResponseBody { writer in
                    defer { tail.close() }
                    try await cancellation.whileRunning(onCancel: { tail.close() }) {
                        try await withGracefulShutdownHandler {
                            try await stream(tail, backfill: backfill, to: &writer)
                        } onGracefulShutdown: {
                            tail.close()
                        }
                    }
                    try await writer.finish(nil)
                })
        }
    }

    private func stream(_ tail: Tail, backfill: [LogRecord], to writer: inout some ResponseBodyWriter)
        async throws
    {
        try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
        for start in stride(from: 0, to: backfill.count, by: Tail.maxRecordsPerEvent) {
            let records = backfill[start..<min(start + Tail.maxRecordsPerEvent, backfill.count)]
            try await writer.write(Self.event(.records(Array(records))))
        }
        while let events = try await tail.next(heartbeat: heartbeat) {
            var buffer = ByteBuffer()
            for event in events { buffer.writeImmutableBuffer(Self.event(event)) }
            try await writer.write(buffer)
        }
    }

    /// Where the stream starts: after the record of a cursor (`Last-Event-ID`, else a cursor in
    /// `since`), or at a time in `since`, or now.
    private static func start(_ parameters: FormQuery, lastEventID: String?) throws -> (
        cursor: SearchCursor?, time: Timestamp?
    ) {
        if let lastEventID, !lastEventID.isEmpty {
            guard let cursor = SearchCursor(encoded: lastEventID) else {
                throw Problem(
                    status: .badRequest, kind: "invalid-header",
                    detail: "Last-Event-ID: is not an event ID sent by this API",
                    errors: [
                        Problem.Detail(pointer: "/headers/Last-Event-ID", reason: "not an event ID sent by this API")
                    ])
            }
            return (cursor, nil)
        }
        guard let since = parameters["since"] else { return (nil, nil) }
        if let cursor = SearchCursor(encoded: since) { return (cursor, nil) }
        guard let time = TimeExpression.parse(since, now: .now()) else {
            throw Problem.badParameter(
                "since", "must be an event ID, RFC 3339, epoch seconds or milliseconds, or like now-15m")
        }
        return (nil, time)
    }

    /// One event in the stream's text form.
    static func event(_ event: TailEvent) -> ByteBuffer {
        switch event {
        case .heartbeat:
            return ByteBuffer(string: ": heartbeat\n\n")
        case .dropped(let count):
            return ByteBuffer(string: "event: dropped\ndata: {\"count\":\(count)}\n\n")
        case .records(let records):
            var buffer = ByteBuffer(string: "event: log\n")
            if let last = records.last { buffer.writeString("id: \(SearchCursor(after: last).encoded)\n") }
            buffer.writeString("data: ")
            var output = JSONOutput(capacity: records.reduce(2) { $0 + $1.approximateJSONBytes })
            LogRecord.writeJSON(records, to: &output)
            buffer.writeBytes(output.bytes)
            buffer.writeString("\n\n")
            return buffer
        }
    }
}

extension HTTPField.Name {
    /// `Last-Event-ID`: the ID of the last Server-Sent Event a reconnecting client received.
    static var lastEventID: Self { Self("Last-Event-ID")! }
    /// `X-Accel-Buffering: no` tells nginx to pass a stream on as it comes rather than buffer it.
    static var accelBuffering: Self { Self("X-Accel-Buffering")! }
}
