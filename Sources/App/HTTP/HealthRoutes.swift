import Hummingbird
import Stores

/// `GET /health` (the process answers) and `GET /ready` (the store answers: 503 otherwise). When
/// Redis is configured but does not answer, or a PostgreSQL standby does not answer or lags, `/ready`
/// still says 200, with status `degraded`: the service works without them (limits fail open or
/// closed as configured, reads go to the primary), so a load balancer must not take the replica
/// out. Each standby is a check of its own, `standby <host>:<port>`, with its lag in `lag_seconds`.
/// Both are open to anyone: they reveal nothing about tenants or logs.
struct HealthRoutes<Store: LogStore> {
    let store: Store
    let redis: RedisClient?
    let standbys: @Sendable () -> [PostgresStandbyStatus]

    func register(on router: Router<AppRequestContext>) {
        router.get("/health") { _, _ in
            Readiness(status: "ok", checks: nil)
        }
        router.get("/ready") { _, _ in
            do {
                try await store.ping()
            } catch {
                throw Problem.unavailable("the log store is not reachable")
            }
            var checks = ["store": "ok"]
            if let redis {
                checks["redis"] = (try? await redis.command(["PING"])) == .string("PONG") ? "ok" : "unavailable"
            }
            var lags: [String: Double] = [:]
            for standby in standbys() {
                checks["standby \(standby.name)"] = standby.state.rawValue
                if let lag = standby.lagSeconds { lags[standby.name] = lag }
            }
            return Readiness(
                status: checks.values.allSatisfy { $0 == "ok" } ? "ready" : "degraded", checks: checks,
                lagSeconds: lags.isEmpty ? nil : lags)
        }
    }

    private struct Readiness: ResponseEncodable {
        var status: String
        var checks: [String: String]?
        var lagSeconds: [String: Double]? = nil

        enum CodingKeys: String, CodingKey {
            case status, checks
            case lagSeconds = "lag_seconds"
        }
    }
}
