import Foundation
import SQLiteNIO
import Synchronization

/// How SQLite statements keep to a ``QueryBudget``: SQLite has no statement timeout, so the WHERE
/// clause of every budgeted read starts with `logsmith_within_budget(deadline, cancellation)`, a
/// function that fails the statement once the monotonic clock passes the deadline (uptime
/// nanoseconds) or the numbered ``QueryCancellation`` is set. It runs for every row the statement
/// visits, so a read stops within a row of either.
enum SQLiteBudgetCheck {
    /// The function's name.
    static let functionName = "logsmith_within_budget"
    /// Text the function's error carries, by which the store tells a budget stop from a failure.
    static let marker = "logsmith: query budget exhausted"

    /// Cancellations of the statements running now, by number.
    private static let running = Mutex<[Int64: QueryCancellation]>([:])

    /// The function, for ``SQLiteConnection/install(customFunction:)``.
    static let function = SQLiteCustomFunction(functionName, argumentCount: 2, pure: false) { arguments in
        guard case .integer(let deadline) = arguments[0], case .integer(let number) = arguments[1] else {
            return 1
        }
        let cancelled = running.withLock { $0[Int64(number)]?.isCancelled ?? false }
        if cancelled || DispatchTime.now().uptimeNanoseconds >= UInt64(max(0, deadline)) {
            throw BudgetStop()
        }
        return 1
    }

    /// The condition's bound values: the deadline as uptime nanoseconds, and the cancellation's number.
    static func arguments(for budget: QueryBudget) -> (deadline: Int64, cancellation: Int64) {
        let remaining = budget.remaining.components
        let nanoseconds = remaining.seconds * 1_000_000_000 + remaining.attoseconds / 1_000_000_000
        return (Int64(DispatchTime.now().uptimeNanoseconds) + nanoseconds, budget.cancellation.number)
    }

    /// Runs a statement with its budget's cancellation registered, so that the function sees it.
    static func running<T>(_ budget: QueryBudget, _ body: () async throws -> T) async throws -> T {
        let number = budget.cancellation.number
        running.withLock { $0[number] = budget.cancellation }
        defer { _ = running.withLock { $0.removeValue(forKey: number) } }
        return try await body()
    }

    /// Whether an error is the function's stop.
    static func isStop(_ error: any Error) -> Bool {
        (error as? SQLiteError)?.message.contains(marker) ?? false
    }

    private struct BudgetStop: Error, CustomStringConvertible {
        var description: String { marker }
    }
}
