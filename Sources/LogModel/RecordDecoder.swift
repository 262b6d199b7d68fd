/// Turns one JSON object sent by a client into a ``LogRecord``, or says why it cannot.
///
/// Well-known fields are read under their common names (`message`/`msg`/`body`, `level`/`severity`,
/// `timestamp`/`@timestamp`/`time`/`ts`, ...); every other top-level field goes into `attributes`,
/// merged over an explicit `attributes` object.
public struct RecordDecoder: Sendable {
    /// The limits every record must keep.
    public var limits: RecordLimits

    /// Creates a decoder with the given limits.
    public init(limits: RecordLimits = .default) {
        self.limits = limits
    }

    /// Why one record was rejected: the field at fault and the reason, in words a client can act on.
    public struct Rejection: Error, Sendable, Hashable, CustomStringConvertible {
        /// The kind of rejection, a stable slug for clients and metrics.
        public enum Code: String, Sendable, Hashable {
            /// The record is malformed or breaks a size limit.
            case invalid
            /// The timestamp lies before the retention window.
            case tooOld = "too_old"
            /// The timestamp lies further ahead of receipt than clocks drift.
            case tooFarInFuture = "too_far_in_future"
        }

        /// The kind of rejection.
        public var code: Code
        /// The top-level field at fault, nil when the record as a whole is at fault.
        public var field: String?
        /// What is wrong.
        public var reason: String

        /// Creates a rejection.
        public init(_ code: Code = .invalid, field: String?, reason: String) {
            self.code = code
            self.field = field
            self.reason = reason
        }

        /// The field and the reason in one line, e.g. `level: unknown level "loud"`.
        public var description: String { field.map { "\($0): \(reason)" } ?? reason }
    }

    private static let messageKeys = ["message", "msg", "body"]
    private static let levelKeys = ["level", "severity", "severity_text", "lvl"]
    private static let timestampKeys = ["timestamp", "@timestamp", "time", "ts"]
    private static let serviceKeys = ["service", "service.name"]
    private static let hostKeys = ["host", "hostname", "source"]
    private static let environmentKeys = ["environment", "env"]
    private static let traceKeys = ["trace_id", "traceId"]
    private static let spanKeys = ["span_id", "spanId"]
    private static let correlationKeys = ["correlation_id", "correlationId"]
    private static let reserved: Set<String> = Set(
        messageKeys + levelKeys + timestampKeys + serviceKeys + hostKeys + environmentKeys + traceKeys
            + spanKeys + correlationKeys + ["attributes", "severity_number"])

    /// Decodes one record.
    /// - Parameters:
    ///   - value: the JSON value the client sent for this record.
    ///   - tenant: the tenant the record is stored under.
    ///   - receivedAt: the time of receipt, used as `observed_at` and as the default `timestamp`.
    ///   - window: the timestamps accepted; a record outside is rejected as `too_old` or `too_far_in_future`.
    public func decode(
        _ value: JSONValue, tenant: String, receivedAt: Timestamp, window: TimestampWindow = .unbounded
    ) -> Result<LogRecord, Rejection> {
        Result { () throws(Rejection) in
            try decodeThrowing(value, tenant: tenant, receivedAt: receivedAt, window: window)
        }
    }

    private func decodeThrowing(
        _ value: JSONValue, tenant: String, receivedAt: Timestamp, window: TimestampWindow
    ) throws(Rejection) -> LogRecord {
        guard case .object(let fields) = value else {
            throw Rejection(field: nil, reason: "a record must be a JSON object, not \(value.typeName)")
        }
        guard let message = try string(fields, Self.messageKeys, maxBytes: limits.maxMessageBytes) else {
            throw Rejection(field: "message", reason: "is required")
        }
        let (level, severityNumber) = try levelAndSeverity(fields)
        let timestamp = try self.timestamp(fields) ?? receivedAt
        if let code = window.rejection(of: timestamp, receivedAt: receivedAt) {
            let side = code == .tooOld ? "before the retention window" : "too far ahead of the time of receipt"
            throw Rejection(code, field: "timestamp", reason: "\(timestamp.rfc3339) lies \(side)")
        }
        let record = LogRecord(
            id: RecordID.make(at: receivedAt),
            tenant: tenant,
            timestamp: timestamp,
            observedAt: receivedAt,
            level: level,
            severityNumber: severityNumber,
            service: try string(fields, Self.serviceKeys, maxBytes: limits.maxFieldBytes),
            host: try string(fields, Self.hostKeys, maxBytes: limits.maxFieldBytes),
            environment: try string(fields, Self.environmentKeys, maxBytes: limits.maxFieldBytes),
            message: message,
            traceID: try string(fields, Self.traceKeys, maxBytes: limits.maxFieldBytes),
            spanID: try string(fields, Self.spanKeys, maxBytes: limits.maxFieldBytes),
            correlationID: try string(fields, Self.correlationKeys, maxBytes: limits.maxFieldBytes),
            attributes: try attributes(fields)
        )
        return record
    }

    private func first(_ fields: [String: JSONValue], _ keys: [String]) -> (key: String, value: JSONValue)? {
        for key in keys {
            if let value = fields[key], value != .null { return (key, value) }
        }
        return nil
    }

    private func string(_ fields: [String: JSONValue], _ keys: [String], maxBytes: Int) throws(Rejection) -> String? {
        guard let (key, value) = first(fields, keys) else { return nil }
        guard case .string(let text) = value else {
            throw Rejection(field: key, reason: "must be a string, not \(value.typeName)")
        }
        try check(text, field: key, maxBytes: maxBytes)
        return text.isEmpty ? nil : text
    }

    private func check(_ text: String, field: String, maxBytes: Int) throws(Rejection) {
        if text.utf8.count > maxBytes {
            throw Rejection(field: field, reason: "is longer than \(maxBytes) bytes")
        }
        if text.utf8.contains(0) {
            throw Rejection(field: field, reason: "contains a NUL character")
        }
    }

    private func levelAndSeverity(_ fields: [String: JSONValue]) throws(Rejection) -> (LogLevel, Int) {
        var severityNumber: Int?
        if let value = fields["severity_number"], value != .null {
            guard case .integer(let number) = value, let level = LogLevel(severityNumber: Int(number)) else {
                throw Rejection(field: "severity_number", reason: "must be an integer from 1 to 24")
            }
            severityNumber = Int(number)
            if first(fields, Self.levelKeys) == nil { return (level, Int(number)) }
        }
        guard let (key, value) = first(fields, Self.levelKeys) else {
            return (.info, LogLevel.info.defaultSeverityNumber)
        }
        let level: LogLevel?
        switch value {
        case .string(let text): level = LogLevel(spelling: text)
        case .integer(let number): level = LogLevel(number: Int(number))
        default:
            throw Rejection(field: key, reason: "must be a string or a number, not \(value.typeName)")
        }
        guard let level else {
            throw Rejection(field: key, reason: "unknown level \(Self.describe(value))")
        }
        if let severityNumber, LogLevel(severityNumber: severityNumber) == level {
            return (level, severityNumber)
        }
        return (level, level.defaultSeverityNumber)
    }

    private func timestamp(_ fields: [String: JSONValue]) throws(Rejection) -> Timestamp? {
        guard let (key, value) = first(fields, Self.timestampKeys) else { return nil }
        let parsed: Timestamp?
        switch value {
        case .string(let text):
            if let number = Int64(text) {
                parsed = Timestamp(epoch: number)
            } else if let number = Double(text), number.isFinite {
                parsed = Timestamp(epoch: number)
            } else {
                parsed = Timestamp(rfc3339: text)
            }
        case .integer(let number): parsed = Timestamp(epoch: number)
        case .double(let number): parsed = Timestamp(epoch: number)
        default:
            throw Rejection(field: key, reason: "must be an RFC 3339 string or an epoch number, not \(value.typeName)")
        }
        guard let parsed else {
            throw Rejection(
                field: key, reason: "invalid timestamp \(Self.describe(value)): use RFC 3339 or epoch (s, ms, µs, ns)")
        }
        return parsed
    }

    private func attributes(_ fields: [String: JSONValue]) throws(Rejection) -> [String: JSONValue] {
        var attributes: [String: JSONValue] = [:]
        if let explicit = fields["attributes"], explicit != .null {
            guard case .object(let members) = explicit else {
                throw Rejection(field: "attributes", reason: "must be an object, not \(explicit.typeName)")
            }
            attributes = members
        }
        for (key, value) in fields where !Self.reserved.contains(key) {
            attributes[key] = value
        }
        if attributes.count > limits.maxAttributeCount {
            throw Rejection(field: "attributes", reason: "has more than \(limits.maxAttributeCount) keys")
        }
        var keys = attributes.count
        for (key, value) in attributes {
            let shape = value.shape(upTo: max(limits.maxAttributeDepth, limits.maxAttributeKeys))
            if shape.depth > limits.maxAttributeDepth {
                throw Rejection(field: key, reason: "nests deeper than \(limits.maxAttributeDepth) levels")
            }
            keys += shape.keys
            if keys > limits.maxAttributeKeys {
                throw Rejection(
                    field: "attributes", reason: "has more than \(limits.maxAttributeKeys) keys, nested ones included")
            }
            try check(key, field: "attributes", maxBytes: limits.maxFieldBytes)
            if value.containsNUL {
                throw Rejection(field: key, reason: "contains a NUL character")
            }
            if value.approximateJSONBytes > limits.maxAttributeValueBytes {
                throw Rejection(field: key, reason: "is larger than \(limits.maxAttributeValueBytes) bytes")
            }
        }
        return attributes
    }

    private static func describe(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): "\"\(text.prefix(64))\""
        case .integer(let number): String(number)
        case .double(let number): String(number)
        default: value.typeName
        }
    }
}

extension JSONValue {
    /// The size of the value's JSON encoding, give or take escapes.
    var approximateJSONBytes: Int {
        switch self {
        case .null: 4
        case .bool: 5
        case .integer, .double: 24
        case .string(let text): text.utf8.count + 2
        case .array(let values): values.reduce(2) { $0 + $1.approximateJSONBytes + 1 }
        case .object(let members): members.reduce(2) { $0 + $1.key.utf8.count + 4 + $1.value.approximateJSONBytes }
        }
    }
}
