import Foundation
import Synchronization

/// Notifications between the tasks of one process, by channel name: SQLite's counterpart of
/// PostgreSQL's `NOTIFY`, for a database that one process serves.
final class ChangeBus: Sendable {
    private struct Listener {
        var channel: String
        var continuation: AsyncStream<Void>.Continuation
    }

    private let listeners = Mutex<[UUID: Listener]>([:])

    /// Tells every listener of `channel` that something changed.
    func notify(_ channel: String) {
        for listener in listeners.withLock({ Array($0.values) }) where listener.channel == channel {
            listener.continuation.yield()
        }
    }

    /// Reports `.listening`, then `.changed` for every notification of `channel`, until the task is
    /// cancelled; notifications that arrive while one is being reported are reported once.
    func listen(_ channel: String, _ event: @Sendable (ChangeWatchEvent) -> Void) async {
        let (notifications, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let id = UUID()
        listeners.withLock { $0[id] = Listener(channel: channel, continuation: continuation) }
        defer { listeners.withLock { $0[id] = nil } }
        event(.listening)
        for await _ in notifications { event(.changed) }
    }
}
