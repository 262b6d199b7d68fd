import Crypto
import Foundation
import Hummingbird
import Telemetry

/// `GET /metrics`: every metric in the Prometheus text format (0.0.4).
///
/// The metrics name tenants and their volumes, so while authentication is on the route requires
/// `Authorization: Bearer <metrics token>` (``AppConfiguration/metricsToken``), which Prometheus
/// sends from a `credentials_file`; API keys and sessions are not accepted here. With authentication
/// off (loopback only) it is open like every other route.
struct MetricsRoutes {
    /// The route, which checks its own credential rather than the API's.
    static let path = "/metrics"

    let metrics: ServiceMetrics
    /// The token a scrape must carry; nil when authentication is off.
    let token: String?

    func register(on router: Router<AppRequestContext>) {
        router.get(RouterPath(Self.path)) { request, _ in
            if let token, !Self.carries(token, request.headers[.authorization]) {
                var headers = HTTPFields()
                headers[.wwwAuthenticate] = #"Bearer realm="metrics""#
                throw Problem(
                    status: .unauthorized, kind: "unauthorized",
                    detail: "send the metrics token as a Bearer credential", headers: headers)
            }
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(
                status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: metrics.exposition())))
        }
    }

    /// Whether an `Authorization` header carries the token, compared in constant time.
    private static func carries(_ token: String, _ authorization: String?) -> Bool {
        guard let authorization, authorization.count > 7, authorization.prefix(7).lowercased() == "bearer " else {
            return false
        }
        let (expected, given) = (
            SHA256.hash(data: Data(token.utf8)), SHA256.hash(data: Data(authorization.dropFirst(7).utf8))
        )
        return expected == given
    }
}
