import Hummingbird
import Stores

/// `GET /health` (the process answers) and `GET /ready` (the store answers too; 503 otherwise).
/// Both are open to anyone: they reveal nothing about tenants or logs.
struct HealthRoutes<Store: LogStore> {
    let store: Store

    func register(on router: Router<AppRequestContext>) {
        router.get("/health") { _, _ in
            Status(status: "ok")
        }
        router.get("/ready") { _, _ in
            do {
                try await store.ping()
            } catch {
                throw Problem.unavailable("the log store is not reachable")
            }
            return Status(status: "ready")
        }
    }

    private struct Status: ResponseEncodable {
        var status: String
    }
}
