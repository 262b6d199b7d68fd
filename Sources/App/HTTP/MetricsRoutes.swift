import Hummingbird
import Telemetry

/// `GET /metrics`: every metric in the Prometheus text format (0.0.4). Like `/health` it needs no
/// credential, as Prometheus scrapes it; it names tenants in labels, as Loki's does, and nothing else
/// about their data.
struct MetricsRoutes {
    let metrics: ServiceMetrics

    func register(on router: Router<AppRequestContext>) {
        router.get("/metrics") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(
                status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: metrics.exposition())))
        }
    }
}
