import Foundation
import LogModel
public import Logging

/// A swift-log handler that writes one JSON object per line: `timestamp` (RFC 3339, UTC,
/// microseconds), `level`, `message`, `logger`, `service.name`, then every metadata key flattened,
/// including what the metadata provider adds (request, correlation, trace and span IDs).
///
/// Output goes through a sink closure (stdout by default) so tests can capture it.
public struct JSONLogHandler: LogHandler {
    /// Where finished lines go; each call receives one line without its newline.
    public typealias Sink = @Sendable (String) -> Void

    /// Metadata attached to every line from this handler.
    public var metadata: Logger.Metadata = [:]
    /// The lowest level that is written.
    public var logLevel: Logger.Level
    /// Adds metadata from the task's context to every line.
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let serviceName: String
    private let sink: Sink

    /// Creates a handler.
    /// - Parameters:
    ///   - label: the logger's label, written as `logger`.
    ///   - serviceName: written as `service.name` on every line.
    ///   - level: the lowest level written.
    ///   - metadataProvider: adds metadata from the task's context to every line.
    ///   - sink: receives each line; defaults to standard output.
    public init(
        label: String, serviceName: String = "logsmith", level: Logger.Level = .info,
        metadataProvider: Logger.MetadataProvider? = nil, sink: @escaping Sink = JSONLogHandler.standardOutput
    ) {
        self.metadataProvider = metadataProvider
        self.label = label
        self.serviceName = serviceName
        self.logLevel = level
        self.sink = sink
    }

    /// Writes a line to standard output.
    public static let standardOutput: Sink = { line in
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// Reads or sets one metadata key of this handler.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes one event as a JSON line, if its level is enabled.
    public func log(event: LogEvent) {
        let provided = metadataProvider?.get() ?? [:]
        let own = event.metadata ?? [:]
        // One dictionary, sized once: later sources replace earlier ones' keys.
        var object = [String: JSONValue](minimumCapacity: metadata.count + provided.count + own.count + 5)
        for source in [metadata, provided, own] {
            for (key, value) in source { object[key] = Self.plain(value) }
        }
        object["timestamp"] = .string(Timestamp.now().rfc3339)
        object["level"] = .string(event.level.rawValue)
        object["message"] = .string(event.message.description)
        object["logger"] = .string(label)
        object["service.name"] = .string(serviceName)
        // Written by LogModel's JSON writer: Foundation's serialiser with sorted keys took about a
        // third of the server's CPU at one ingested record per request.
        sink(JSONValue.object(object).jsonText(sortingKeys: true))
    }

    private static func plain(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let convertible): .string(convertible.description)
        case .array(let values): .array(values.map(plain))
        case .dictionary(let members): .object(members.mapValues(plain))
        }
    }
}
