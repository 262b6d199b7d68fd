import LogModel
import Synchronization

/// Messages the transports received, waiting for the listener's loop; bounded, so a flood is
/// dropped and counted rather than held.
final class SyslogInbox: Sendable {
    /// A message and how it arrived.
    struct Message: Sendable {
        var bytes: [UInt8]
        var transport: String
        var receivedAt: Timestamp
    }

    private let messages = Mutex<[Message]>([])
    private let signal: AsyncStream<Void>.Continuation
    /// Wakes the listener's loop when messages arrive.
    let arrivals: AsyncStream<Void>
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        (arrivals, signal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Adds messages; returns how many did not fit.
    func add(_ new: [Message]) -> Int {
        guard !new.isEmpty else { return 0 }
        let dropped = messages.withLock { held in
            let room = max(0, capacity - held.count)
            held.append(contentsOf: new.prefix(room))
            return new.count - min(room, new.count)
        }
        signal.yield()
        return dropped
    }

    /// Takes every message held.
    func takeAll() -> [Message] {
        messages.withLock { held in
            defer { held = [] }
            return held
        }
    }

    /// Ends the arrivals, once the transports are closed.
    func close() { signal.finish() }
}
