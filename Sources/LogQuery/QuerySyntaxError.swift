/// A query string that cannot be parsed, with the position of the offending character.
public struct QuerySyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Zero-based offset, in characters, of where the problem was found.
    public var position: Int
    /// What is wrong, e.g. `expected ")"`.
    public var reason: String

    /// Creates an error.
    public init(position: Int, reason: String) {
        self.position = position
        self.reason = reason
    }

    /// The reason and the position in one line.
    public var description: String { "\(reason) at position \(position)" }
}
