public import LogModel
import LogQuery
public import Stores
import Synchronization
import Telemetry

/// What a tail sends next.
public enum TailEvent: Sendable, Equatable {
    /// Records committed since the last event, oldest first.
    case records([LogRecord])
    /// This many committed records of the tenant were skipped unread because the client read too
    /// slowly; the query's matches among them were not sent.
    case dropped(Int)
    /// Nothing to send for a while: the connection is still alive.
    case heartbeat
}

/// One open live tail: the records of its tenant matching its query, in commit order, as they are
/// committed. Reads records only when asked for the next events, so a slow reader holds at most its
/// mailbox's bound of record IDs.
public final class Tail: Sendable {
    /// Most records one event carries.
    public static var maxRecordsPerEvent: Int { 1000 }
    /// Most records a tail sends from before it opened (see ``backfill(since:after:)``).
    public static var maxBackfill: Int { 1000 }

    private let hub: TailHub
    private let mailbox: TailMailbox
    private let tenant: String
    private let query: QueryNode
    private let backfilled = Mutex<Set<String>>([])
    /// Whether the tail continues exactly after the record it resumed from, from the hub's memory of
    /// recent batches.
    public let resumedExactly: Bool

    init(hub: TailHub, mailbox: TailMailbox, tenant: String, query: QueryNode, resumedExactly: Bool) {
        self.hub = hub
        self.mailbox = mailbox
        self.tenant = tenant
        self.query = query
        self.resumedExactly = resumedExactly
    }

    deinit {
        hub.close(mailbox)
    }

    /// The newest matching records (up to ``maxBackfill``) at or after `since` and, with `after`, after
    /// that position, oldest first; later events leave them out.
    public func backfill(since: Timestamp, after cursor: SearchCursor? = nil) async throws -> [LogRecord] {
        let page = try await hub.store.search(
            SearchRequest(tenant: tenant, query: query, start: since, limit: Self.maxBackfill))
        let records = page.records.reversed().filter { record in
            guard let cursor else { return true }
            return (record.timestamp, record.id) > (cursor.timestamp, cursor.id)
        }
        backfilled.withLock { $0.formUnion(records.map(\.id)) }
        return records
    }

    /// The next events: the records committed since the last call that match the query (preceded by
    /// the count of records dropped meanwhile, if any), or a heartbeat when nothing arrives within
    /// `heartbeat`; nil once the tail is closed.
    public func next(heartbeat: Duration) async throws -> [TailEvent]? {
        let start = ContinuousClock.now
        while true {
            let waited = ContinuousClock.now - start
            switch await mailbox.take(records: Self.maxRecordsPerEvent, timeout: max(.zero, heartbeat - waited)) {
            case .closed:
                return nil
            case .idle:
                return [.heartbeat]
            case .batches(let batches, let dropped):
                var events: [TailEvent] = []
                if dropped > 0 {
                    hub.metrics?.tailDropped(records: dropped)
                    events.append(.dropped(dropped))
                }
                let sent = backfilled.withLock { $0 }
                let records = try await hub.store.records(committedIn: batches, tenant: tenant, matching: query)
                    .filter { !sent.contains($0.id) }
                if !records.isEmpty { events.append(.records(records)) }
                if !events.isEmpty { return events }
            }
        }
    }

    /// Closes the tail and frees its place in the tenant's limit.
    public func close() {
        hub.close(mailbox)
    }
}
