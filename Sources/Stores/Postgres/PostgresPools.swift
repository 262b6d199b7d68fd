import Logging
import PostgresNIO

/// The connection pools of a PostgreSQL store, one per kind of work, so that a burst of one kind
/// cannot take the connections another needs: ingest inserts; the reads of requests, with the held
/// `LISTEN`s of the live tail and of credential changes; and background jobs (alert evaluation and
/// retention), with their election locks.
struct PostgresPools: Sendable {
    /// Inserts and the partitions they create.
    let ingest: PostgresClient
    /// Every other statement of a request.
    let reads: PostgresClient
    /// The statements of background jobs, through ``PostgresLogStore/backgroundJobs``.
    let jobs: PostgresClient

    /// How many connections each pool may open.
    let sizes: PostgresPoolSizes

    /// Signalled once ``run()`` has called each pool's `run()`.
    let started = PoolsStarted()

    /// Pools of the sizes `sizes`, each with the rest of `configuration`.
    init(configuration: PostgresClient.Configuration, sizes: PostgresPoolSizes, logger: Logger) {
        self.sizes = sizes
        func pool(_ size: Int) -> PostgresClient {
            var configuration = configuration
            configuration.options.maximumConnections = size
            return PostgresClient(configuration: configuration, backgroundLogger: logger)
        }
        (ingest, reads, jobs) = (pool(sizes.ingest), pool(sizes.reads), pool(sizes.jobs))
    }

    /// Runs the three pools until the task is cancelled, signalling ``started`` once each pool's
    /// `run()` has begun.
    func run() async {
        await withDiscardingTaskGroup { group in
            for pool in [ingest, reads, jobs] { group.addTaskRunning(pool) }
            started.signal()
        }
    }
}

/// How many connections each of a store's pools may open.
public struct PostgresPoolSizes: Sendable, Hashable {
    /// Connections for inserts.
    public var ingest: Int
    /// Connections for the reads of requests and the held `LISTEN`s.
    public var reads: Int
    /// Connections for background jobs.
    public var jobs: Int

    /// The fewest connections ``init(total:)`` splits: two for ingest, three for jobs (the two
    /// elected jobs may each hold a connection for their lock while their work needs another) and
    /// five for reads, two of which the `LISTEN`s may hold.
    public static var minimumTotal: Int { 10 }

    /// `total` connections (at least ``minimumTotal``) split a quarter to ingest (at least two), a
    /// quarter to background jobs (at least three) and the rest to reads: 20 give ingest 5, reads 10
    /// and jobs 5.
    public init(total: Int) {
        let total = max(total, Self.minimumTotal)
        (ingest, jobs) = (max(2, total / 4), max(3, total / 4))
        reads = total - ingest - jobs
    }

    /// Every connection the pools may open together.
    public var total: Int { ingest + reads + jobs }
}
