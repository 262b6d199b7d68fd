import Foundation
import NIOCore
import Synchronization

/// A file (or standard input) read in chunks of 256 KiB as an async sequence of buffers, counting
/// the bytes and lines handed out so far into a shared ``TransferCounter``.
struct FileChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    let path: String
    let counter: TransferCounter

    func makeAsyncIterator() -> Iterator {
        Iterator(handle: path == "-" ? .standardInput : FileHandle(forReadingAtPath: path), counter: counter)
    }

    /// Reads the next chunk; nil at the end of the file.
    struct Iterator: AsyncIteratorProtocol {
        let handle: FileHandle?
        let counter: TransferCounter

        mutating func next() async throws -> ByteBuffer? {
            guard let handle else { throw CLIError("cannot read the file") }
            guard let data = try handle.read(upToCount: 256 * 1024), !data.isEmpty else { return nil }
            counter.add(bytes: data.count, lines: data.count { $0 == UInt8(ascii: "\n") })
            return ByteBuffer(bytes: data)
        }
    }
}

/// Bytes and lines sent so far, shared between the sender and the progress display.
final class TransferCounter: Sendable {
    private let state = Mutex((bytes: 0, lines: 0))

    func add(bytes: Int, lines: Int) {
        state.withLock {
            $0.bytes += bytes
            $0.lines += lines
        }
    }

    /// The bytes and lines counted so far.
    var totals: (bytes: Int, lines: Int) { state.withLock { $0 } }
}

/// A failure of a command-line tool, printed as its message.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
