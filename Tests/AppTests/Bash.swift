import Foundation

/// Runs `script` with bash in the repository's root, with `arguments` as `$1`, `$2`, ...; its output
/// goes to the test's. Throws when it exits other than 0.
///
/// It spawns and waits with posix_spawn and waitpid: Foundation's `Process` did not see a script
/// exit whose children (a PostgreSQL server) lived on.
func bash(_ script: String, _ arguments: [String] = []) throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let argv = ["/bin/bash", "-c", "cd \"$0\" && \(script)", root.path] + arguments
    let cArguments = argv.map { strdup($0) } + [nil]
    defer { cArguments.forEach { free($0) } }
    var pid: pid_t = 0
    guard posix_spawn(&pid, "/bin/bash", nil, nil, cArguments, environ) == 0 else { throw ScriptFailed(script: script) }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1, errno == EINTR {}
    guard status == 0 else { throw ScriptFailed(script: script) }
}

/// A script that could not run or exited other than 0.
struct ScriptFailed: Error, CustomStringConvertible {
    var script: String
    var description: String { "script failed: \(script)" }
}
