import NIOCore

/// Splits a request body that arrives in chunks into items (lines, array elements), handing each
/// over as soon as it is complete and keeping only an unfinished one between chunks.
protocol BodySplitter {
    /// What one item is handed over as.
    associatedtype Item

    /// Hands every item that `bytes`, the next chunk, completes to `handle`.
    mutating func scan(_ bytes: UnsafeRawBufferPointer, _ handle: (Item) throws(Problem) -> Void) throws(Problem)

    /// Hands over what the body's end completes, or refuses a body that ended too soon.
    mutating func finish(_ handle: (Item) throws(Problem) -> Void) throws(Problem)
}

extension BodySplitter {
    /// Hands every item that `chunk` completes to `handle`.
    mutating func feed(_ chunk: ByteBuffer, _ handle: (Item) throws(Problem) -> Void) throws(Problem) {
        let result = chunk.withUnsafeReadableBytes { bytes in
            Result { () throws(Problem) in try scan(bytes, handle) }
        }
        try result.get()
    }
}
