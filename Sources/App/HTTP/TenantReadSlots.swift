import HTTPTypes
import Stores
import Synchronization

/// How many reads (searches, stories, stats, analytics) one tenant may run at once, and how much of
/// the server's read time it may take while other tenants read, so that one tenant's expensive
/// queries can hold neither every database connection nor every core while the others wait.
///
/// A read past the concurrency waits for a slot, first come first served, for at most what is left
/// of its budget. Each read's time is added to its tenant's account, which drains at ``share``
/// seconds per second; while another tenant has read within ``contentionWindow``, a tenant whose
/// account is over ``allowance`` waits (within its budget) until it is back to it. A tenant alone
/// is never held back. A task that holds a slot of the tenant runs further reads of it in the same
/// slot, so a route may hold one around its reads and the encoding of their answer.
final class TenantReadSlots: Sendable {
    @TaskLocal private static var held: String?

    private struct Waiter {
        var number: Int
        var continuation: CheckedContinuation<Bool, Never>
    }

    private struct Slots {
        var inUse = 0
        var waiters: [Waiter] = []
        /// Read time not yet drained, as of `accountedAt`.
        var account: Duration = .zero
        var accountedAt = ContinuousClock.now
        var lastRead = ContinuousClock.now

        mutating func drain(at now: ContinuousClock.Instant, share: Double) {
            account = max(.zero, account - (now - accountedAt) * share)
            accountedAt = now
        }
    }

    /// Most reads of one tenant at once.
    let perTenant: Int
    /// Seconds of read time per second a tenant's account drains by: half its slots.
    let share: Double
    /// Read time a tenant may run ahead of its share before it waits.
    let allowance = Duration.seconds(1)
    /// How recently another tenant must have read for a tenant's share to apply.
    let contentionWindow = Duration.seconds(2)
    private let state = Mutex((next: 0, byTenant: [String: Slots]()))

    init(perTenant: Int) {
        self.perTenant = perTenant
        share = Double(perTenant) / 2
    }

    /// Runs `body` holding one of `tenant`'s slots; a 429 problem when none frees up, or the tenant's
    /// share does not allow it, within `budget`.
    func withSlot<T>(_ tenant: String, budget: QueryBudget, _ body: () async throws -> T) async throws -> T {
        if Self.held == tenant { return try await body() }
        guard await acquire(tenant, within: budget.remaining) else {
            throw Self.tooManyReads("the tenant runs \(perTenant) reads at once already; retry shortly")
        }
        defer { release(tenant) }
        let wait = overShare(tenant)
        if wait > .zero {
            guard wait < budget.remaining else {
                throw Self.tooManyReads("the tenant has used its share of read time while others read; retry shortly")
            }
            try await Task.sleep(for: wait)
        }
        let started = ContinuousClock.now
        defer { charge(tenant, ContinuousClock.now - started) }
        return try await Self.$held.withValue(tenant) { try await body() }
    }

    private static func tooManyReads(_ detail: String) -> Problem {
        Problem(status: .tooManyRequests, kind: "too-many-reads", detail: detail, headers: [.retryAfter: "1"])
    }

    /// How long `tenant` must wait for its account to drain to the allowance; zero when no other
    /// tenant reads.
    private func overShare(_ tenant: String) -> Duration {
        let now = ContinuousClock.now
        return state.withLock { state in
            let contended = state.byTenant.contains { name, slots in
                name != tenant && (slots.inUse > 0 || now - slots.lastRead < contentionWindow)
            }
            guard contended, var slots = state.byTenant[tenant] else { return .zero }
            slots.drain(at: now, share: share)
            state.byTenant[tenant] = slots
            return slots.account > allowance ? (slots.account - allowance) / share : .zero
        }
    }

    private func charge(_ tenant: String, _ time: Duration) {
        let now = ContinuousClock.now
        state.withLock { state in
            state.byTenant[tenant]?.drain(at: now, share: share)
            state.byTenant[tenant]?.account += time
            state.byTenant[tenant]?.lastRead = now
        }
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

    /// Hands the slot to the first waiter, or frees it; a tenant's entry is dropped once it has no
    /// read under way, none waiting and nothing left on its account.
    private func release(_ tenant: String) {
        let now = ContinuousClock.now
        let next = state.withLock { state -> Waiter? in
            guard var slots = state.byTenant[tenant] else { return nil }
            defer {
                slots.drain(at: now, share: share)
                let idle =
                    slots.inUse == 0 && slots.waiters.isEmpty && slots.account == .zero
                    && now - slots.lastRead >= contentionWindow
                state.byTenant[tenant] = idle ? nil : slots
            }
            if !slots.waiters.isEmpty { return slots.waiters.removeFirst() }
            slots.inUse -= 1
            return nil
        }
        next?.continuation.resume(returning: true)
    }
}
