import Logging
import ServiceLifecycle

/// The log lines of a graceful shutdown, one per step, in the order the steps happen.
///
/// On SIGTERM or SIGINT the services stop one at a time in the reverse of their order in the
/// application: first the HTTP server (it closes its listening socket, so new connections are
/// refused, answers every request it has read, and closes each connection), then the services
/// wrapped here, the last-listed first: the marker that says the server has stopped, the retention
/// job, the group-commit writer (which commits everything queued), the store (which closes its
/// connections).
enum ShutdownSteps {
    /// Runs `service`, logging `stopped` once it has returned.
    struct Logged: Service {
        let service: any Service
        let stopped: String
        let logger: Logger

        func run() async throws {
            try await service.run()
            logger.notice("\(stopped)")
        }
    }

    /// Listed after every other service, so it is told of the shutdown right after the HTTP server has
    /// stopped, and says so.
    struct ServerStopped: Service {
        let logger: Logger

        func run() async throws {
            try? await gracefulShutdown()
            logger.notice("shutdown: HTTP server stopped, every request it read answered")
        }
    }

    /// Runs the whole application, logging when a graceful shutdown starts and when it is complete.
    struct Whole: Service {
        let application: any Service
        let logger: Logger

        func run() async throws {
            try await withGracefulShutdownHandler {
                try await application.run()
            } onGracefulShutdown: {
                logger.notice("shutdown started: new connections refused, requests in flight being answered")
            }
            logger.notice("shutdown complete")
        }
    }
}
