import NIOCore
import SQLiteNIO
import Synchronization

/// The connections reads run on: each statement takes the one with the fewest statements under way,
/// so that a long read holds one connection while the others go on (in WAL mode readers never wait
/// for each other or for the writer).
final class SQLiteReaders: Sendable {
    /// How many: one per core, at least two and at most eight.
    static let count = max(2, min(8, System.coreCount))

    private let connections: [SQLiteConnection]
    private let statements: Mutex<[Int]>

    init(_ connections: [SQLiteConnection]) {
        self.connections = connections
        statements = Mutex(Array(repeating: 0, count: connections.count))
    }

    /// Runs `body` on the least busy connection.
    func withConnection<T>(_ body: (SQLiteConnection) async throws -> T) async throws -> T {
        let index = statements.withLock { statements in
            let index = statements.indices.min { statements[$0] < statements[$1] } ?? 0
            statements[index] += 1
            return index
        }
        defer { statements.withLock { $0[index] -= 1 } }
        return try await body(connections[index])
    }

    /// Closes every connection, even when the closing task is cancelled.
    func close() async throws {
        for connection in connections { try await connection.close().get() }
    }
}
