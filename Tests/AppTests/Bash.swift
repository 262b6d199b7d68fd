import Foundation
import TestSupport

/// Runs `script` with bash in the repository's root, with `arguments` as `$1`, `$2`, ...; its output
/// goes to the test's. Throws when it exits other than 0.
///
/// The blocking wait runs on a Dispatch thread: on one of the few cooperative threads it would
/// stall every server running inside the test process for as long as the script runs.
func bash(_ script: String, _ arguments: [String] = []) async throws {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
        DispatchQueue.global().async {
            continuation.resume(with: Result { try bashBlocking(script, arguments) })
        }
    }
}

/// ``bash(_:_:)`` waiting on the calling thread: for the clean-up in a `defer`, which cannot await,
/// and for starting and stopping the fault test's PostgreSQL.
///
/// It spawns and waits with ``ChildProcess`` (posix_spawn and waitpid): Foundation's `Process` did
/// not see a script exit whose children (a PostgreSQL server) lived on.
func bashBlocking(_ script: String, _ arguments: [String] = []) throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let bash = try ChildProcess("/bin/bash", ["-c", "cd \"$0\" && \(script)", root.path] + arguments)
    guard bash.waitUntilExit() == 0 else { throw ScriptFailed(script: script) }
}

/// A script that could not run or exited other than 0.
struct ScriptFailed: Error, CustomStringConvertible {
    var script: String
    var description: String { "script failed: \(script)" }
}
