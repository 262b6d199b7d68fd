import Foundation
import Synchronization

/// The time one request's reads may take, and whether they are still wanted.
///
/// Stores apply the budget of the task they run in (``current``) to every read statement: PostgreSQL
/// gets a `statement_timeout` of what remains and is told to cancel the statement when the budget's
/// ``cancellation`` is set; SQLite checks the deadline and the cancellation while it reads rows. A statement
/// stopped either way throws a ``StoreError`` with code ``StoreError/Code/budgetExhausted``.
public struct QueryBudget: Sendable {
    /// When the reads must stop.
    public let deadline: ContinuousClock.Instant
    /// Set once the request no longer wants an answer.
    public let cancellation: QueryCancellation

    /// The budget of the reads running in this task, if any.
    @TaskLocal public static var current: QueryBudget?

    /// A budget of `duration` from now.
    public init(_ duration: Duration, cancellation: QueryCancellation = QueryCancellation()) {
        self.init(deadline: .now + duration, cancellation: cancellation)
    }

    /// A budget ending at `deadline`.
    public init(deadline: ContinuousClock.Instant, cancellation: QueryCancellation = QueryCancellation()) {
        self.deadline = deadline
        self.cancellation = cancellation
    }

    /// The time left, never negative.
    public var remaining: Duration { max(.zero, deadline - .now) }

    /// Whether no time is left or the request was cancelled.
    public var isExhausted: Bool { cancellation.isCancelled || ContinuousClock.now >= deadline }

    /// The same budget with its deadline moved earlier to `fraction` of what remains (and the same
    /// cancellation).
    public func share(_ fraction: Double) -> QueryBudget {
        QueryBudget(deadline: .now + remaining * fraction, cancellation: cancellation)
    }

    /// The same budget with at least `floor` left, for work that must make progress whatever remains.
    public func atLeast(_ floor: Duration) -> QueryBudget {
        QueryBudget(deadline: max(deadline, .now + floor), cancellation: cancellation)
    }

    /// Runs `body` with this budget applying to the statements the stores run in it.
    public func apply<T>(_ body: () async throws -> T) async throws -> T {
        try await Self.$current.withValue(self) { try await body() }
    }

    /// The error a store throws for a statement stopped by the budget.
    static func exhausted(underlying: (any Error)? = nil) -> StoreError {
        StoreError(.budgetExhausted, "the query's time budget ran out", underlying: underlying)
    }
}

/// A flag a request's reads watch: once set, their statements stop. Each has a number, so that a
/// statement can name it as a bound value (SQLite's per-row check finds it by that number).
public final class QueryCancellation: Sendable {
    /// The number that names this flag while it is registered.
    public let number: Int64
    private let cancelled = Atomic<Bool>(false)
    private let handlers = Mutex((next: 0, byNumber: [Int: @Sendable () -> Void]()))
    private static let nextNumber = Atomic<Int64>(1)

    /// A flag not set.
    public init() {
        number = Self.nextNumber.wrappingAdd(1, ordering: .relaxed).oldValue
    }

    /// Whether the request was cancelled.
    public var isCancelled: Bool { cancelled.load(ordering: .acquiring) }

    /// Sets the flag and runs every handler registered (each once).
    public func cancel() {
        guard !cancelled.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let registered = handlers.withLock { state in
            defer { state.byNumber = [:] }
            return state.byNumber.values
        }
        for handler in registered { handler() }
    }

    /// Runs `body`; when the flag is set while it runs (or was set before), `handler` runs once.
    public func whileRunning<T>(onCancel handler: @escaping @Sendable () -> Void, _ body: () async throws -> T)
        async throws -> T
    {
        let number = handlers.withLock { state -> Int? in
            if isCancelled { return nil }
            state.next += 1
            state.byNumber[state.next] = handler
            return state.next
        }
        guard let number else {
            handler()
            return try await body()
        }
        defer { _ = handlers.withLock { $0.byNumber.removeValue(forKey: number) } }
        return try await body()
    }
}
