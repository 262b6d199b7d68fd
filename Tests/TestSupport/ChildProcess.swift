public import Foundation
import Synchronization

/// A child process started with `posix_spawnp`, for tests that run other programs.
///
/// Foundation's `Process.run()` on Linux (swift-corelibs-foundation as shipped with Swift 6.3.1)
/// copies whole `dirent` records while it lists `/proc/self/fd`, reading past glibc's buffer, and now
/// and then crashes the test process with a bad pointer dereference (fixed upstream in
/// swiftlang/swift-corelibs-foundation#5472); this spawns without it. The child gets the given file
/// descriptors as its standard input, output and error (else the test's) and none of the test's
/// other descriptors (`posix_spawn_file_actions_addclosefrom_np`, glibc 2.34 and later), so a pipe
/// it did not ask for never stays open in it.
public final class ChildProcess: Sendable {
    /// The child's process ID.
    public let pid: pid_t
    private let exitStatus = Mutex<Int32?>(nil)

    /// The spawn failed.
    public struct SpawnFailed: Error, CustomStringConvertible {
        /// What was run and the error number.
        public var description: String
    }

    /// Starts `executable` (looked up in `PATH` when it has no `/`) with `arguments` and `environment`
    /// (the test's own when nil).
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        input: FileHandle? = nil, output: FileHandle? = nil, error: FileHandle? = nil
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (handle, target) in [(input, STDIN_FILENO), (output, STDOUT_FILENO), (error, STDERR_FILENO)] {
            if let handle { posix_spawn_file_actions_adddup2(&actions, handle.fileDescriptor, target) }
        }
        _ = Self.closeFrom?(&actions, 3)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let variables = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") }
        let envp = variables + [nil]
        defer { variables.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawnp(&pid, executable, &actions, nil, argv, envp)
        guard result == 0 else {
            throw SpawnFailed(description: "spawning \(executable) failed with error \(result)")
        }
        self.pid = pid
    }

    /// `posix_spawn_file_actions_addclosefrom_np`, which Swift's Glibc module does not declare.
    private static let closeFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? =
        {
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
            else { return nil }
            return unsafeBitCast(
                symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
        }()

    /// Whether the child has not exited yet.
    public var isRunning: Bool {
        if exitStatus.withLock({ $0 }) != nil { return false }
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return exitStatus.withLock { $0 } == nil }
        record(status)
        return false
    }

    /// Sends a signal, unless the child has exited.
    public func signal(_ number: Int32) {
        if isRunning { kill(pid, number) }
    }

    /// Waits until the child exits and returns its exit status (128 plus the signal that ended it).
    @discardableResult
    public func waitUntilExit() -> Int32 {
        if let status = exitStatus.withLock({ $0 }) { return status }
        var status: Int32 = 0
        while true {
            let waited = waitpid(pid, &status, 0)
            if waited == pid { break }
            if errno != EINTR { return exitStatus.withLock { $0 } ?? -1 }
        }
        record(status)
        return exitStatus.withLock { $0 } ?? -1
    }

    private func record(_ status: Int32) {
        let signal = status & 0x7f
        let code = signal == 0 ? (status >> 8) & 0xff : 128 + signal
        exitStatus.withLock { $0 = $0 ?? code }
    }
}
