import Telemetry
import Testing

@Suite("Tracing settings from OTEL_* variables")
struct TracingSettingsTests {
    static func settings(_ environment: [String: String]) throws -> TracingSettings {
        try TracingSettings(environment: environment, version: "9.9.9")
    }

    static func resource(_ settings: TracingSettings) -> [String: AttributeValue] {
        Dictionary(settings.resource.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
    }

    @Test("no endpoint means no exporter, so nothing is recorded")
    func noEndpoint_noExporter() throws {
        #expect(try Self.settings([:]).exporter == nil)
    }

    @Test("the general endpoint gets /v1/traces; the traces endpoint is used as it is")
    func endpoints() throws {
        #expect(
            try Self.settings(["OTEL_EXPORTER_OTLP_ENDPOINT": "http://jaeger:4318/"]).exporter?.endpoint
                == "http://jaeger:4318/v1/traces")
        #expect(
            try Self.settings([
                "OTEL_EXPORTER_OTLP_ENDPOINT": "http://jaeger:4318",
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "https://collector.example/custom",
            ]).exporter?.endpoint == "https://collector.example/custom")
        #expect(throws: TelemetryConfigurationError.self) {
            try Self.settings(["OTEL_EXPORTER_OTLP_ENDPOINT": "jaeger:4318"])
        }
    }

    @Test("headers, compression and timeout are read; values are percent-decoded")
    func exporterOptions() throws {
        let exporter = try #require(
            try Self.settings([
                "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318",
                "OTEL_EXPORTER_OTLP_HEADERS": "api-key=secret%20value, x-tenant=ops",
                "OTEL_EXPORTER_OTLP_COMPRESSION": "gzip", "OTEL_EXPORTER_OTLP_TIMEOUT": "2500",
            ]).exporter)
        #expect(exporter.headers.map(\.0) == ["api-key", "x-tenant"])
        #expect(exporter.headers.map(\.1) == ["secret value", "ops"])
        #expect(exporter.gzip)
        #expect(exporter.timeout == .milliseconds(2500))
        #expect(throws: TelemetryConfigurationError.self) {
            try Self.settings(["OTEL_EXPORTER_OTLP_ENDPOINT": "http://h", "OTEL_EXPORTER_OTLP_COMPRESSION": "zstd"])
        }
        #expect(throws: TelemetryConfigurationError.self) {
            try Self.settings(["OTEL_EXPORTER_OTLP_ENDPOINT": "http://h", "OTEL_EXPORTER_OTLP_HEADERS": "novalue"])
        }
    }

    @Test("OTEL_SDK_DISABLED and OTEL_TRACES_EXPORTER=none turn export off even with an endpoint")
    func disabled() throws {
        #expect(
            try Self.settings(["OTEL_EXPORTER_OTLP_ENDPOINT": "http://h", "OTEL_SDK_DISABLED": "true"]).exporter == nil)
        #expect(
            try Self.settings(["OTEL_EXPORTER_OTLP_ENDPOINT": "http://h", "OTEL_TRACES_EXPORTER": "none"]).exporter
                == nil)
    }

    @Test("the resource names the service, version, instance and host; OTEL_SERVICE_NAME wins")
    func resource() throws {
        let plain = Self.resource(try Self.settings([:]))
        #expect(plain["service.name"] == .string("logsmith"))
        #expect(plain["service.version"] == .string("9.9.9"))
        #expect(plain["service.instance.id"] != nil)
        #expect(plain["host.name"] != nil)
        let named = Self.resource(
            try Self.settings([
                "OTEL_RESOURCE_ATTRIBUTES": "deployment.environment=prod,service.name=from-attributes",
                "OTEL_SERVICE_NAME": "logsmith-eu",
            ]))
        #expect(named["service.name"] == .string("logsmith-eu"))
        #expect(named["deployment.environment"] == .string("prod"))
    }

    @Test("batch processor variables are read and bad ones refused")
    func batchProcessor() throws {
        let processor = try Self.settings([
            "OTEL_BSP_MAX_QUEUE_SIZE": "100", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE": "500",
            "OTEL_BSP_SCHEDULE_DELAY": "250", "OTEL_BSP_EXPORT_TIMEOUT": "3000",
        ]).processor
        #expect(processor.maxQueueSize == 100)
        #expect(processor.maxExportBatchSize == 100)
        #expect(processor.scheduleDelay == .milliseconds(250))
        #expect(processor.exportTimeout == .seconds(3))
        #expect(throws: TelemetryConfigurationError.self) { try Self.settings(["OTEL_BSP_MAX_QUEUE_SIZE": "-1"]) }
    }
}
