public import Ingestion
public import LogModel
public import Logging
public import NIOCore
import NIOPosix
import Parsing
public import ServiceLifecycle
public import Stores
import Synchronization
public import Telemetry
import Tracing

/// Receives syslog over TCP (RFC 6587 framing) and UDP (one message per datagram) and commits the
/// messages through the group-commit writer, as records of one tenant.
///
/// Each message is read as RFC 5424 or RFC 3164 (``SyslogParser``), or, failing both, as a plain line;
/// then decoded like every other record (limits, the tenant's retention window). The transports only
/// queue messages (``SyslogInbox``, bounded: a flood past it is dropped and counted); one loop takes
/// what has queued, decodes it and submits it in batches of at most 1,000, each in a `syslog.receive`
/// span. TCP connections are capped in number, their buffers bounded by the message limit, and
/// closed after an idle timeout; on graceful shutdown the sockets close first and what was queued is
/// committed before the writer stops.
public struct SyslogListener<Store: LogStore, WriterClock: Clock<Duration>>: Service {
    /// What the listener binds and how far it lets clients go.
    public struct Settings: Sendable {
        /// The TCP address, or nil for no TCP listener.
        public var tcp: SyslogAddress?
        /// The UDP address, or nil for no UDP listener.
        public var udp: SyslogAddress?
        /// The tenant every message is stored under.
        public var tenant: String
        /// The longest message taken; longer ones are dropped and counted.
        public var maxMessageBytes = 65_536 + 1024
        /// A TCP connection that sends nothing for this long is closed.
        public var idleTimeout: TimeAmount = .seconds(300)
        /// Most TCP connections open at once; more are closed as they come.
        public var maxConnections = 512
        /// Most messages queued between the transports and the writer.
        public var inboxCapacity = 100_000

        /// Settings with the given addresses and tenant, the rest default.
        public init(tcp: SyslogAddress?, udp: SyslogAddress?, tenant: String) {
            self.tcp = tcp
            self.udp = udp
            self.tenant = tenant
        }
    }

    let settings: Settings
    let writer: GroupCommitWriter<Store, WriterClock>
    let observability: Observability
    let window: @Sendable (String) async -> TimestampWindow
    let committed: @Sendable ([LogRecord], Int) async -> Void
    let logger: Logger

    /// Creates a listener.
    /// - Parameters:
    ///   - window: the timestamps a tenant accepts (its retention).
    ///   - committed: called with each batch, and the bytes of its messages, once it is committed.
    public init(
        settings: Settings, writer: GroupCommitWriter<Store, WriterClock>, observability: Observability,
        window: @escaping @Sendable (String) async -> TimestampWindow,
        committed: @escaping @Sendable ([LogRecord], Int) async -> Void, logger: Logger
    ) {
        self.settings = settings
        self.writer = writer
        self.observability = observability
        self.window = window
        self.committed = committed
        self.logger = logger
    }

    /// Binds the configured transports, then commits what they receive until graceful shutdown.
    public func run() async throws {
        let inbox = SyslogInbox(capacity: settings.inboxCapacity)
        var channels: [any Channel] = []
        if let address = settings.tcp { channels.append(try await bindTCP(address, inbox: inbox)) }
        if let address = settings.udp { channels.append(try await bindUDP(address, inbox: inbox)) }
        let bound = channels
        await withGracefulShutdownHandler {
            for await _ in inbox.arrivals { await process(inbox.takeAll()) }
        } onGracefulShutdown: {
            for channel in bound { channel.close(promise: nil) }
            inbox.close()
        }
        for channel in bound { try? await channel.closeFuture.get() }
        await process(inbox.takeAll())
        logger.info("shutdown: syslog listener committed what it had received")
    }

    private func bindTCP(_ address: SyslogAddress, inbox: SyslogInbox) async throws -> any Channel {
        let connections = Mutex(0)
        let settings = self.settings
        let metrics = observability.metrics
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let open = connections.withLock { count in
                    count += 1
                    return count
                }
                metrics.syslogConnections(open)
                channel.closeFuture.whenComplete { _ in
                    metrics.syslogConnections(
                        connections.withLock { count in
                            count -= 1
                            return count
                        })
                }
                guard open <= settings.maxConnections else {
                    metrics.syslogMessages(transport: "tcp", outcome: "refused_connection", count: 1)
                    return channel.close()
                }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(
                        IdleStateHandler(readTimeout: settings.idleTimeout),
                        ByteToMessageHandler(SyslogFrameDecoder(maxFrameBytes: settings.maxMessageBytes)),
                        SyslogStreamHandler(inbox: inbox, metrics: metrics))
                }
            }
            .bind(host: address.host, port: address.port).get()
        logger.info(
            "syslog listening",
            metadata: ["network.transport": "tcp", "server.port": "\(channel.localAddress?.port ?? 0)"])
        return channel
    }

    private func bindUDP(_ address: SyslogAddress, inbox: SyslogInbox) async throws -> any Channel {
        let settings = self.settings
        let metrics = observability.metrics
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 65_536))
            .channelOption(.socketOption(.so_rcvbuf), value: 4 << 20)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        SyslogDatagramHandler(inbox: inbox, metrics: metrics, maxMessageBytes: settings.maxMessageBytes)
                    )
                }
            }
            .bind(host: address.host, port: address.port).get()
        logger.info(
            "syslog listening",
            metadata: ["network.transport": "udp", "server.port": "\(channel.localAddress?.port ?? 0)"])
        return channel
    }

    /// Decodes messages into records and commits them in batches.
    private func process(_ messages: [SyslogInbox.Message]) async {
        guard !messages.isEmpty else { return }
        let window = await self.window(settings.tenant)
        let decoder = RecordDecoder()
        var records: [(record: LogRecord, transport: String, bytes: Int)] = []
        for message in messages {
            guard let text = String(validating: message.bytes, as: UTF8.self) else {
                observability.metrics.syslogMessages(transport: message.transport, outcome: "rejected", count: 1)
                continue
            }
            let context = ParseContext(receivedAt: message.receivedAt)
            let parsed =
                (try? SyslogParser.parse(text, context: context).get()) ?? PlainLineParser.parse(text, context: context)
            switch decoder.decode(
                parsed.object, tenant: settings.tenant, receivedAt: message.receivedAt, window: window)
            {
            case .success(let record): records.append((record, message.transport, message.bytes.count))
            case .failure:
                observability.metrics.syslogMessages(transport: message.transport, outcome: "rejected", count: 1)
            }
        }
        var start = 0
        while start < records.count {
            let batch = records[start..<min(start + 1000, records.count)]
            start += batch.count
            await submit(Array(batch))
        }
    }

    private func submit(_ batch: [(record: LogRecord, transport: String, bytes: Int)]) async {
        let records = batch.map(\.record)
        let bytes = batch.reduce(0) { $0 + $1.bytes }
        var refused = Set<Int>()
        var failed = false
        do {
            refused = try await observability.tracer.withSpan("syslog.receive", ofKind: .server) { span in
                span.attributes["network.protocol.name"] = "syslog"
                span.attributes["logsmith.records"] = records.count
                return try await writer.submit(records, bytes: bytes)
            }
            await committed(records.removing(positions: refused), bytes)
        } catch {
            logger.warning("syslog batch not committed", metadata: .describing(error))
            failed = true
        }
        for (transport, positions) in Dictionary(grouping: batch.indices, by: { batch[$0].transport }) {
            let dropped = failed ? positions.count : positions.count { refused.contains($0) }
            for (outcome, count) in [("dropped", dropped), ("accepted", positions.count - dropped)] where count > 0 {
                observability.metrics.syslogMessages(transport: transport, outcome: outcome, count: count)
            }
        }
    }
}
