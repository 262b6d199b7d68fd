import Foundation

/// Tracing as the standard OpenTelemetry variables configure it: `OTEL_SDK_DISABLED`,
/// `OTEL_TRACES_EXPORTER`, `OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`,
/// `OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT`, `..._HEADERS`, `..._COMPRESSION`, `..._TIMEOUT`,
/// `OTEL_TRACES_SAMPLER[_ARG]` and `OTEL_BSP_*`.
public struct TracingSettings: Sendable {
    /// Which traces are recorded.
    public var sampler = Sampler.parentBasedAlwaysOn
    /// The batch span processor's queue and timings.
    public var processor = BatchSpanProcessor.Configuration()
    /// Where spans go; nil when no endpoint is set or tracing is disabled, and then nothing is
    /// recorded at all.
    public var exporter: OTLPHTTPExporter.Configuration?
    /// `service.name`, `service.version`, `service.instance.id`, `host.name`, then
    /// `OTEL_RESOURCE_ATTRIBUTES`.
    public var resource: [KeyValue]

    /// Reads the settings; `version` becomes `service.version`.
    /// - Throws: ``TelemetryConfigurationError`` naming the variable that cannot be used.
    public init(environment: [String: String], version: String) throws(TelemetryConfigurationError) {
        var attributes: [(String, String)] = [
            ("service.name", "logsmith"), ("service.version", version),
            ("service.instance.id", UUID().uuidString.lowercased()), ("host.name", ProcessInfo.processInfo.hostName),
        ]
        for (key, value) in try Self.pairs(environment["OTEL_RESOURCE_ATTRIBUTES"], "OTEL_RESOURCE_ATTRIBUTES") {
            attributes.removeAll { $0.0 == key }
            attributes.append((key, value))
        }
        if let name = environment["OTEL_SERVICE_NAME"], !name.isEmpty {
            attributes.removeAll { $0.0 == "service.name" }
            attributes.insert(("service.name", name), at: 0)
        }
        resource = attributes.map { KeyValue($0.0, .string($0.1)) }

        if let name = environment["OTEL_TRACES_SAMPLER"], !name.isEmpty {
            sampler = try Sampler(name: name, argument: environment["OTEL_TRACES_SAMPLER_ARG"])
        }
        processor.maxQueueSize = try Self.integer(environment, "OTEL_BSP_MAX_QUEUE_SIZE", processor.maxQueueSize)
        processor.maxExportBatchSize = min(
            processor.maxQueueSize,
            try Self.integer(environment, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", processor.maxExportBatchSize))
        processor.scheduleDelay = .milliseconds(try Self.integer(environment, "OTEL_BSP_SCHEDULE_DELAY", 5000))
        processor.exportTimeout = .milliseconds(try Self.integer(environment, "OTEL_BSP_EXPORT_TIMEOUT", 10000))

        let disabled = ["true", "1"].contains(environment["OTEL_SDK_DISABLED"]?.lowercased() ?? "")
        guard !disabled, environment["OTEL_TRACES_EXPORTER"]?.lowercased() != "none",
            let endpoint = try Self.endpoint(environment)
        else { return }
        var exporter = OTLPHTTPExporter.Configuration(endpoint: endpoint)
        exporter.headers = try Self.pairs(
            environment["OTEL_EXPORTER_OTLP_TRACES_HEADERS"] ?? environment["OTEL_EXPORTER_OTLP_HEADERS"],
            "OTEL_EXPORTER_OTLP_HEADERS")
        switch environment["OTEL_EXPORTER_OTLP_TRACES_COMPRESSION"] ?? environment["OTEL_EXPORTER_OTLP_COMPRESSION"] {
        case nil, "", "none": exporter.gzip = false
        case "gzip": exporter.gzip = true
        default: throw TelemetryConfigurationError("OTEL_EXPORTER_OTLP_COMPRESSION must be gzip or none")
        }
        let timeoutName =
            environment["OTEL_EXPORTER_OTLP_TRACES_TIMEOUT"] != nil
            ? "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT" : "OTEL_EXPORTER_OTLP_TIMEOUT"
        exporter.timeout = .milliseconds(try Self.integer(environment, timeoutName, 10000))
        self.exporter = exporter
    }

    /// The traces URL: the signal-specific variable as it is, or the general one plus `/v1/traces`.
    private static func endpoint(_ environment: [String: String]) throws(TelemetryConfigurationError) -> String? {
        let url: String
        if let traces = environment["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"], !traces.isEmpty {
            url = traces
        } else if let base = environment["OTEL_EXPORTER_OTLP_ENDPOINT"], !base.isEmpty {
            url = (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/v1/traces"
        } else {
            return nil
        }
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme), parsed.host != nil else {
            throw TelemetryConfigurationError("OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// URL")
        }
        return url
    }

    /// `key=value` pairs separated by commas, each part percent-decoded, as the OTel spec writes
    /// headers and resource attributes.
    private static func pairs(_ text: String?, _ name: String) throws(TelemetryConfigurationError)
        -> [(String, String)]
    {
        guard let text, !text.isEmpty else { return [] }
        var pairs: [(String, String)] = []
        for member in text.split(separator: ",") {
            let parts = member.split(separator: "=", maxSplits: 1)
            guard parts.count == 2,
                let key = parts[0].trimmingCharacters(in: .whitespaces).removingPercentEncoding, !key.isEmpty,
                let value = parts[1].trimmingCharacters(in: .whitespaces).removingPercentEncoding
            else { throw TelemetryConfigurationError("\(name) must be a list of key=value pairs") }
            pairs.append((key, value))
        }
        return pairs
    }

    private static func integer(_ environment: [String: String], _ name: String, _ fallback: Int)
        throws(TelemetryConfigurationError) -> Int
    {
        guard let text = environment[name], !text.isEmpty else { return fallback }
        guard let value = Int(text), value > 0 else {
            throw TelemetryConfigurationError("\(name) must be a positive integer")
        }
        return value
    }
}
