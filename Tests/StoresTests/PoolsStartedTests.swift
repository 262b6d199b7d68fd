import Testing

@testable import Stores

@Suite("Pools started")
struct PoolsStartedTests {
    @Test("waits before the signal end with it, waits after it return at once, a cancelled wait throws")
    func waits() async throws {
        let started = PoolsStarted()
        let early = Task { try await started.wait() }
        let cancelled = Task { try await started.wait() }
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        started.signal()
        try await early.value
        try await started.wait()
    }
}
