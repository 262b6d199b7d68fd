import HummingbirdBcrypt
import NIOPosix

/// Hashes and checks passwords with bcrypt, off the cooperative thread pool (bcrypt is slow by design),
/// on two threads of its own, so that a burst of logins holds none of the threads that SQLite or
/// Redis block on, and waits its turn instead.
public struct PasswordHasher: Sendable {
    /// The bcrypt cost factor (log2 of the rounds). Default 11.
    public var cost: UInt8

    /// A bcrypt hash of a well-formed but unguessable password, checked when a user does not exist so
    /// that a failed login takes as long whether or not the user exists.
    private static let decoyHash = Bcrypt.hash(APIKeySecret.randomSigningSecret(), cost: 11)

    /// The threads bcrypt runs on, started once and kept for the life of the process.
    private static let threadPool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
        return pool
    }()

    /// Creates a hasher.
    public init(cost: UInt8 = 11) {
        self.cost = cost
    }

    /// The bcrypt hash of a password.
    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await Self.threadPool.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    /// Whether a password matches a hash; with a nil hash, spends the same time and answers false.
    public func verify(_ password: String, hash: String?) async throws -> Bool {
        try await Self.threadPool.runIfActive {
            let matches = Bcrypt.verify(password, hash: hash ?? Self.decoyHash)
            return hash != nil && matches
        }
    }
}
