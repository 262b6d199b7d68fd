public import LogModel

/// What a budgeted read found, and which part of the range asked for it covers.
public struct BudgetedAnswer<Value: Sendable>: Sendable {
    /// The answer for the part covered.
    public var value: Value
    /// The part of the range the answer covers when the budget ran out first, newest first from the
    /// range's end; nil when the answer covers the whole range.
    public var covered: Coverage?

    /// Creates an answer.
    public init(value: Value, covered: Coverage?) {
        self.value = value
        self.covered = covered
    }

    /// Whether the budget ran out before the whole range was read.
    public var isPartial: Bool { covered != nil }
}

/// A part of a time range: from `start` (inclusive) to `end` (exclusive).
public struct Coverage: Sendable, Hashable {
    /// The oldest instant covered.
    public var start: Timestamp
    /// The end of the range asked for.
    public var end: Timestamp

    /// Creates a coverage.
    public init(start: Timestamp, end: Timestamp) {
        self.start = start
        self.end = end
    }
}
