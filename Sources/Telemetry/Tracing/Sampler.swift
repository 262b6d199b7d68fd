public import W3CTraceContext

/// Decides which new traces are recorded, as `OTEL_TRACES_SAMPLER` names it: `always_on`,
/// `always_off`, `traceidratio`, and the `parentbased_*` forms that follow a remote or local
/// parent's sampled flag and use the root sampler only for new traces.
public struct Sampler: Sendable, Equatable {
    private enum Root: Equatable {
        case always
        case never
        case ratio(Double)
    }

    private let root: Root
    private let followsParent: Bool

    /// The OpenTelemetry default: `parentbased_always_on`.
    public static let parentBasedAlwaysOn = Sampler(root: .always, followsParent: true)

    private init(root: Root, followsParent: Bool) {
        self.root = root
        self.followsParent = followsParent
    }

    /// Reads a sampler by its `OTEL_TRACES_SAMPLER` name and `OTEL_TRACES_SAMPLER_ARG`.
    /// - Throws: ``TelemetryConfigurationError`` for an unknown name or a ratio outside 0...1.
    public init(name: String, argument: String?) throws(TelemetryConfigurationError) {
        let followsParent = name.hasPrefix("parentbased_")
        let rootName = followsParent ? String(name.dropFirst("parentbased_".count)) : name
        switch rootName {
        case "always_on": root = .always
        case "always_off": root = .never
        case "traceidratio":
            let ratio = argument.map { Double($0) } ?? 1.0
            guard let ratio, (0...1).contains(ratio) else {
                throw TelemetryConfigurationError("OTEL_TRACES_SAMPLER_ARG must be a ratio between 0 and 1")
            }
            root = .ratio(ratio)
        default:
            throw TelemetryConfigurationError(
                "OTEL_TRACES_SAMPLER must be always_on, always_off, traceidratio or parentbased_ of one of them")
        }
        self.followsParent = followsParent
    }

    /// Whether a span of `traceID` under `parent` (nil for a new trace) is recorded.
    public func shouldSample(traceID: TraceID, parent: TraceContext?) -> Bool {
        if followsParent, let parent { return parent.flags.contains(.sampled) }
        switch root {
        case .always: return true
        case .never: return false
        case .ratio(let ratio):
            // The low 8 bytes of a random trace ID are uniform, so comparing them to a bound keeps
            // the decision the same for every span of a trace, in every process.
            let low = withUnsafeBytes(of: traceID.bytes) { raw in
                raw.suffix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            }
            return Double(low >> 1) < ratio * Double(UInt64.max >> 1)
        }
    }
}

/// A telemetry setting that cannot be used; the message names the variable.
public struct TelemetryConfigurationError: Error, CustomStringConvertible {
    /// What is wrong, naming the variable.
    public var description: String

    /// Creates an error.
    public init(_ description: String) {
        self.description = description
    }
}
