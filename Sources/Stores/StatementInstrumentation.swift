import Instrumentation
import Telemetry
import Tracing

/// Wraps each database statement in a CLIENT span (`db.system.name`, `db.operation.name`,
/// `db.query.text`; the text never holds values, which are always bound) and records its duration
/// and the connections busy with statements.
struct StatementInstrumentation: Sendable {
    private let system: String
    private let tracer: SpanTracer
    private let metrics: ServiceMetrics?

    /// Instrumentation for a database system (`postgresql`, `sqlite`); without observability only
    /// IDs propagate and nothing is recorded.
    init(system: String, observability: Observability?) {
        self.system = system
        self.tracer = observability?.tracer ?? .idsOnly
        self.metrics = observability?.metrics
    }

    /// Runs one statement (or a pipeline of `batchSize` commands) under its span. `operation`
    /// defaults to the statement's first keyword; an empty `sql` records no query text.
    @discardableResult
    func statement<T>(
        _ sql: String, operation: String? = nil, batchSize: Int = 1, isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws -> T
    ) async throws -> T {
        let operation = operation ?? Self.operation(of: sql)
        let span = tracer.startSpan(operation, ofKind: .client)
        defer { span.end() }
        span.updateAttributes { attributes in
            attributes["db.system.name"] = system
            attributes["db.operation.name"] = operation
            if !sql.isEmpty { attributes["db.query.text"] = sql }
            if batchSize > 1 { attributes["db.operation.batch.size"] = batchSize }
        }
        metrics?.storeConnectionsInUse(system: system, change: 1)
        defer { metrics?.storeConnectionsInUse(system: system, change: -1) }
        let start = ContinuousClock.now
        defer { metrics?.storeQuery(system: system, operation: operation, duration: ContinuousClock.now - start) }
        do {
            return try await ServiceContext.$current.withValue(span.context) { try await body() }
        } catch {
            span.attributes["error.type"] = String(describing: type(of: error))
            span.recordError(error)
            span.setStatus(SpanStatus(code: .error))
            throw error
        }
    }

    private static func operation(of sql: String) -> String {
        String(sql.drop { $0.isWhitespace }.prefix { $0.isLetter }).uppercased()
    }
}
