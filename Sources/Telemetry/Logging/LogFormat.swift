public import Logging

/// How the service writes its own log lines: JSON for machines (the default), text for a terminal.
public enum LogFormat: String, Sendable {
    /// One JSON object per line.
    case json
    /// swift-log's plain text lines.
    case text

    /// Makes the handler factory for `LoggingSystem.bootstrap`, with request context metadata.
    public func handlerFactory(level: Logger.Level, serviceName: String) -> @Sendable (String) -> any LogHandler {
        switch self {
        case .json:
            return { label in
                JSONLogHandler(
                    label: label, serviceName: serviceName, level: level, metadataProvider: .requestContext)
            }
        case .text:
            return { label in
                var handler = StreamLogHandler.standardOutput(label: label, metadataProvider: .requestContext)
                handler.logLevel = level
                return handler
            }
        }
    }
}
