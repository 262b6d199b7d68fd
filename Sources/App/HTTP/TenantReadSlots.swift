import HTTPTypes
import Stores
import Synchronization

/// How many reads (searches, stories, stats, analytics) one tenant may run at once, so that one
/// tenant's expensive queries cannot hold every database connection while the others wait. A read
/// past the limit waits for a slot, first come first served, for at most what is left of its budget.
final class TenantReadSlots: Sendable {
    private struct Waiter {
        var number: Int
        var continuation: CheckedContinuation<Bool, Never>
    }

    private struct Slots {
        var inUse = 0
        var waiters: [Waiter] = []
    }

    /// Most reads of one tenant at once.
    let perTenant: Int
    private let state = Mutex((next: 0, byTenant: [String: Slots]()))

    init(perTenant: Int) {
        self.perTenant = perTenant
    }

    /// Runs `body` holding one of `tenant`'s slots; a 429 problem when none frees up within `budget`.
    func withSlot<T>(_ tenant: String, budget: QueryBudget, _ body: () async throws -> T) async throws -> T {
        guard await acquire(tenant, within: budget.remaining) else {
            throw Problem(
                status: .tooManyRequests, kind: "too-many-reads",
                detail: "the tenant runs \(perTenant) reads at once already; retry shortly",
                headers: [.retryAfter: "1"])
        }
        defer { release(tenant) }
        return try await body()
    }

    private func acquire(_ tenant: String, within wait: Duration) async -> Bool {
        await withCheckedContinuation { continuation in
            guard let number = takeFree(tenant, orQueue: continuation) else {
                return continuation.resume(returning: true)
            }
            Task {
                try? await Task.sleep(for: wait)
                let expired = state.withLock { state -> Waiter? in
                    guard let index = state.byTenant[tenant]?.waiters.firstIndex(where: { $0.number == number })
                    else { return nil }
                    return state.byTenant[tenant]?.waiters.remove(at: index)
                }
                expired?.continuation.resume(returning: false)
            }
        }
    }

    /// Takes a free slot of `tenant` (nil), or else queues `waiter` and returns its number.
    private func takeFree(_ tenant: String, orQueue waiter: CheckedContinuation<Bool, Never>) -> Int? {
        state.withLock { state in
            var slots = state.byTenant[tenant, default: Slots()]
            defer { state.byTenant[tenant] = slots }
            if slots.inUse < perTenant {
                slots.inUse += 1
                return nil
            }
            state.next += 1
            slots.waiters.append(Waiter(number: state.next, continuation: waiter))
            return state.next
        }
    }

    /// Hands the slot to the first waiter, or frees it.
    private func release(_ tenant: String) {
        let next = state.withLock { state -> Waiter? in
            guard var slots = state.byTenant[tenant] else { return nil }
            defer { state.byTenant[tenant] = slots.inUse == 0 && slots.waiters.isEmpty ? nil : slots }
            if !slots.waiters.isEmpty { return slots.waiters.removeFirst() }
            slots.inUse -= 1
            return nil
        }
        next?.continuation.resume(returning: true)
    }
}
