import Hummingbird

/// The protocol records arrived by, which labels `logsmith_ingest_records_total` and the access log
/// (`logsmith.ingest.protocol`), with the routes of each HTTP one.
enum IngestProtocol: String, CaseIterable, Sendable {
    /// Our own JSON and NDJSON route.
    case native
    /// OTLP/HTTP logs.
    case otlp
    /// Loki's push API.
    case loki
    /// Elasticsearch's bulk API.
    case elasticsearch
    /// Text files uploaded to our upload route.
    case upload
    /// The syslog listeners.
    case syslog

    /// The routes that take this protocol, as registered.
    var paths: [String] {
        switch self {
        case .native: ["/api/v1/logs"]
        case .otlp: ["/v1/logs", "/otlp/v1/logs"]
        case .loki: ["/loki/api/v1/push"]
        case .elasticsearch: ["/_bulk", "/:index/_bulk"]
        case .upload: ["/api/v1/upload"]
        case .syslog: []
        }
    }

    private static let byRoute: [String: IngestProtocol] = Dictionary(
        uniqueKeysWithValues: allCases.flatMap { ingest in ingest.paths.map { (RouterPath($0).description, ingest) } })

    /// The protocol of a matched route (as the router names it, `/{index}/_bulk`), or nil for a route
    /// that takes no records.
    init?(route: String) {
        guard let ingest = Self.byRoute[route] else { return nil }
        self = ingest
    }
}
