/// The service's own telemetry, made once at start and handed to everything that records: the
/// tracer, the metrics, and the span processor that must run as a service while the app runs.
public struct Observability: Sendable {
    /// The version reported in `service.version` and `logsmith_build_info`.
    public static let version = "0.1.0"

    /// Starts spans; records and exports them when an endpoint is configured.
    public let tracer: SpanTracer
    /// The metrics `/metrics` renders.
    public let metrics: ServiceMetrics
    /// The span processor to run alongside the server; nil when nothing is exported.
    public let processor: BatchSpanProcessor?

    /// Builds telemetry from the standard `OTEL_*` variables.
    /// - Throws: ``TelemetryConfigurationError`` naming the variable that cannot be used.
    public init(environment: [String: String]) throws(TelemetryConfigurationError) {
        let settings = try TracingSettings(environment: environment, version: Self.version)
        let metrics = ServiceMetrics(version: Self.version)
        self.metrics = metrics
        guard let exporterConfiguration = settings.exporter else {
            processor = nil
            tracer = SpanTracer(sampler: settings.sampler, processor: nil)
            return
        }
        let encoding = OTLPTraceEncoding(resource: settings.resource, scopeName: "logsmith", scopeVersion: Self.version)
        let processor = BatchSpanProcessor(
            configuration: settings.processor,
            exporter: OTLPHTTPExporter(configuration: exporterConfiguration, encoding: encoding),
            counters: metrics.exportCounters)
        self.processor = processor
        tracer = SpanTracer(sampler: settings.sampler, processor: processor)
    }

    /// Telemetry that records metrics but exports no spans; spans still get IDs.
    public static func local() -> Observability {
        // An empty environment names no endpoint, which cannot fail.
        try! Observability(environment: [:])
    }
}
