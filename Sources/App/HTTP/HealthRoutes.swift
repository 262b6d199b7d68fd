import Hummingbird
import Stores

/// `GET /health` (the process answers) and `GET /ready` (the store answers: 503 otherwise). When
/// Redis is configured but does not answer, `/ready` still says 200, with status `degraded`: the
/// service works without it (limits fail open or closed as configured), so a load balancer must
/// not take the replica out. Both are open to anyone: they reveal nothing about tenants or logs.
struct HealthRoutes<Store: LogStore> {
    let store: Store
    let redis: RedisClient?

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
            return Readiness(status: checks.values.allSatisfy { $0 == "ok" } ? "ready" : "degraded", checks: checks)
        }
    }

    private struct Readiness: ResponseEncodable {
        var status: String
        var checks: [String: String]?
    }
}
