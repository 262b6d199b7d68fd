/// A storage failure, with a description safe to show to clients and to log.
///
/// The underlying error (which may carry SQL text or connection details) is kept for
/// `debugDescription` only.
public struct StoreError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// What kind of failure this is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case unavailable
            case corruptRow
            case invalidConfiguration
            case conflict
            case storageFull
            case budgetExhausted
        }

        private let base: Base

        /// The database could not be reached or refused the statement.
        public static let unavailable = Code(base: .unavailable)
        /// A stored row could not be turned back into a record.
        public static let corruptRow = Code(base: .corruptRow)
        /// A unique value (for example a username) is taken already.
        public static let conflict = Code(base: .conflict)
        /// The database's disk is full: nothing more can be written until space is freed.
        public static let storageFull = Code(base: .storageFull)
        /// A read stopped because its request's ``QueryBudget`` ran out or the request was cancelled.
        public static let budgetExhausted = Code(base: .budgetExhausted)
        /// The store's configuration (for example its URL) is invalid.
        public static let invalidConfiguration = Code(base: .invalidConfiguration)

        /// The code's name.
        public var description: String { base.rawValue }
    }

    /// What kind of failure this is.
    public var code: Code
    /// A short explanation without SQL, values or secrets.
    public var message: String
    /// The error that caused this one, if any.
    public var underlying: (any Error)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// The code and message, without the underlying error.
    public var description: String { "StoreError(\(code)): \(message)" }

    /// Everything, including the underlying error; for debugging only.
    public var debugDescription: String {
        "StoreError(\(code)): \(message)" + (underlying.map { " underlying: \(String(reflecting: $0))" } ?? "")
    }
}
