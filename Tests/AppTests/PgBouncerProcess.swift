import Foundation
import TestSupport

/// Debian's `pgbouncer` on a free loopback port, in front of the test PostgreSQL, in the given pool
/// mode. It trusts every client (the test database does too) and ignores the startup settings of
/// Logsmith's connections, as the README says a deployment behind it must. Under root it runs as
/// the unprivileged user `scripts/test` runs PostgreSQL as, since PgBouncer refuses root.
final class PgBouncerProcess {
    let port: Int
    private let process: ChildProcess
    private let directory: String

    /// Starts PgBouncer in `mode` (`session` or `transaction`) for the database of `databaseURL`
    /// and waits until it accepts connections.
    init(mode: String, databaseURL: String) throws {
        guard let target = URLComponents(string: databaseURL), let host = target.host else {
            throw PgBouncerDidNotStart(reason: "the database URL names no host")
        }
        port = try LoopbackPort.free()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgbouncer-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        try #""postgres" """#.write(toFile: directory + "/users.txt", atomically: true, encoding: .utf8)
        try """
        [databases]
        * = host=\(host) port=\(target.port ?? 5432)
        [pgbouncer]
        listen_addr = 127.0.0.1
        listen_port = \(port)
        unix_socket_dir =
        auth_type = trust
        auth_file = \(directory)/users.txt
        pool_mode = \(mode)
        ignore_startup_parameters = extra_float_digits, jit, gin_pending_list_limit
        """.write(toFile: directory + "/pgbouncer.ini", atomically: true, encoding: .utf8)
        let runAs = getuid() == 0 ? ["-u", "logsmith-test"] : []
        let executable =
            FileManager.default.isExecutableFile(atPath: "/usr/sbin/pgbouncer") ? "/usr/sbin/pgbouncer" : "pgbouncer"
        process = try ChildProcess(
            executable, runAs + [directory + "/pgbouncer.ini"], output: FileHandle(forWritingAtPath: "/dev/null"))
        for _ in 0..<100 {
            if LoopbackPort.accepts(port) { return }
            usleep(50_000)
        }
        throw PgBouncerDidNotStart(reason: "it did not listen on 127.0.0.1:\(port) within 5 s")
    }

    deinit {
        process.signal(SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// `databaseURL` with its host and port replaced by PgBouncer's.
    func url(for databaseURL: String) -> String {
        var components = URLComponents(string: databaseURL)
        components?.host = "127.0.0.1"
        components?.port = port
        return components?.string ?? databaseURL
    }

    struct PgBouncerDidNotStart: Error, CustomStringConvertible {
        var reason: String
        var description: String { "pgbouncer did not start: \(reason)" }
    }
}
