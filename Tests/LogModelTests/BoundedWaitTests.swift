import LogModel
import Synchronization
import Testing

@Suite("Bounded wait")
struct BoundedWaitTests {
    @Test("a task that ends is waited for; one that does not is given up on after the limit and left running")
    func waitForEnd_endsOrGivesUp() async throws {
        #expect(await waitForEnd(of: Task { 42 }, within: .seconds(60)))

        let held = Mutex<CheckedContinuation<Void, Never>?>(nil)
        let stuck = Task {
            await withCheckedContinuation { continuation in held.withLock { $0 = continuation } }
        }
        stuck.cancel()
        #expect(!(await waitForEnd(of: stuck, within: .milliseconds(200))))
        while held.withLock({ $0 == nil }) { await Task.yield() }
        held.withLock { $0?.resume() }
        #expect(await waitForEnd(of: stuck, within: .seconds(60)))
    }

    @Test("untilCancelled returns once its task is cancelled")
    func untilCancelled_returnsOnCancellation() async {
        let waiting = Task { await untilCancelled() }
        #expect(!(await waitForEnd(of: waiting, within: .milliseconds(200))))
        waiting.cancel()
        #expect(await waitForEnd(of: waiting, within: .seconds(60)))
    }
}
