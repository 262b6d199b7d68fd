import Foundation
import LogModel
import Synchronization

/// Runs `setUpAndTearDown`, which hands a resource to the body it is given and tears the resource
/// down after the body; once `body` has ended, waits at most `limit` for the teardown and, past it,
/// reports `what` on standard error, leaves the teardown running and returns what the body did.
///
/// The wait is bounded because in a few of many full runs of the suite on this machine a PostgreSQL
/// store's service (its postgres-nio 1.33.2 pools) did not return after cancellation, once the test
/// body had passed and with no connection of the store left open on the server: a test must not hang
/// the run for that. The default limit is a minute because an application's services stop one after
/// another, and under the load of the whole suite on two cores that takes up to about 15 s.
public func withBoundedTeardown<Resource: Sendable, T: Sendable>(
    of what: String, limit: Duration = .seconds(60),
    _ setUpAndTearDown: @escaping @Sendable (@escaping @Sendable (Resource) async throws -> Void) async throws -> Void,
    _ body: @escaping @Sendable (Resource) async throws -> T
) async throws -> T {
    let outcome = Mutex<Result<T, any Error>?>(nil)
    let (bodyEnded, signal) = AsyncStream.makeStream(of: Void.self)
    let run = Task {
        defer { signal.finish() }
        try await setUpAndTearDown { resource in
            defer { signal.yield() }
            do {
                let value = try await body(resource)
                outcome.withLock { $0 = .success(value) }
            } catch {
                outcome.withLock { $0 = .failure(error) }
                throw error
            }
        }
    }
    for await _ in bodyEnded { break }
    if await waitForEnd(of: run, within: limit) {
        try await run.value
    } else {
        FileHandle.standardError.write(
            Data("\(what) did not stop within \(limit) of the test's end; left running\n".utf8))
    }
    guard let result = outcome.withLock({ $0 }) else {
        throw BoundedTeardownError(message: "\(what) ended without running the test")
    }
    return try result.get()
}

/// A resource's setup that returned without handing the resource to the test.
struct BoundedTeardownError: Error {
    var message: String
}

/// Runs the service `run` beside `body`, then cancels it and waits for it to end for at most
/// `limit`, reporting `what` on standard error past it (see ``withBoundedTeardown(of:limit:_:_:)``
/// for why).
///
/// `run` starts before `body`, up to its first suspension: a PostgreSQL client's `run()` marks it
/// running there, so that `body`'s first lease does not make postgres-nio warn.
public func whileRunning<T: Sendable>(
    _ what: String, limit: Duration = .seconds(60), _ run: @escaping @Sendable () async throws -> Void,
    _ body: () async throws -> T
) async throws -> T {
    let service: Task<Void, any Error>
    if #available(macOS 26, *) {
        service = Task.immediate { try await run() }
    } else {
        service = Task { try await run() }
    }
    let result: Result<T, any Error>
    do {
        result = .success(try await body())
    } catch {
        result = .failure(error)
    }
    service.cancel()
    if !(await waitForEnd(of: service, within: limit)) {
        FileHandle.standardError.write(
            Data("\(what) did not stop within \(limit) of cancellation; left running\n".utf8))
    }
    return try result.get()
}
