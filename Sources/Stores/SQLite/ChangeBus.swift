import Foundation
import Synchronization

/// Notifications between the tasks of one process, by channel name: SQLite's counterpart of
/// PostgreSQL's `NOTIFY`, for a database that one process serves.
final class ChangeBus: Sendable {
    private struct Listener {
        var channel: String
        var received: @Sendable (DatabaseNotification) -> Void
    }

    private let listeners = Mutex<[UUID: Listener]>([:])

    /// Hands `payload` to every listener of `channel`, in the calling task, before it returns.
    func notify(_ channel: String, payload: String) {
        for listener in listeners.withLock({ Array($0.values) }) where listener.channel == channel {
            listener.received(.received(payload))
        }
    }

    /// Reports `.listening`, then every notification of `channel`, until the task is cancelled.
    func listen(_ channel: String, _ event: @escaping @Sendable (DatabaseNotification) -> Void) async {
        let id = UUID()
        listeners.withLock { $0[id] = Listener(channel: channel, received: event) }
        defer { listeners.withLock { $0[id] = nil } }
        event(.listening)
        let (cancelled, continuation) = AsyncStream<Void>.makeStream()
        await withTaskCancellationHandler {
            for await _ in cancelled {}
        } onCancel: {
            continuation.finish()
        }
    }
}
