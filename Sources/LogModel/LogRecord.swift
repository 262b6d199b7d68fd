/// One log record: the OpenTelemetry log data model, flattened.
///
/// Optional fields are nil when the sender did not give them; `attributes` holds every other field.
public struct LogRecord: Sendable, Hashable {
    /// The record's identity, a time-ordered UUID in lowercase text form.
    public var id: String
    /// The tenant that owns the record.
    public var tenant: String
    /// When the event happened (the sender's time, or the time of receipt when it gave none).
    public var timestamp: Timestamp
    /// When Logsmith received the record.
    public var observedAt: Timestamp
    /// The normalised severity.
    public var level: LogLevel
    /// The OpenTelemetry severity number (1-24).
    public var severityNumber: Int
    /// The service that emitted the record.
    public var service: String?
    /// The host or source the record came from.
    public var host: String?
    /// The deployment environment (`production`, `staging`, ...).
    public var environment: String?
    /// The log line itself.
    public var message: String
    /// The W3C trace ID of the trace the record belongs to.
    public var traceID: String?
    /// The W3C span ID of the span the record belongs to.
    public var spanID: String?
    /// An ID shared by all records of one request or workflow, across services.
    public var correlationID: String?
    /// Every other field, as a JSON object.
    public var attributes: [String: JSONValue] {
        get { attributeStorage.members }
        set { attributeStorage = RecordAttributes(newValue) }
    }
    /// The attributes as held: members, or the JSON text a store gave.
    public var attributeStorage: RecordAttributes
    /// The pattern the message was assigned at ingest; nil until then, and for records stored before
    /// patterns were mined.
    public var patternID: PatternID?

    /// Creates a record; every field is given explicitly.
    public init(
        id: String, tenant: String, timestamp: Timestamp, observedAt: Timestamp, level: LogLevel,
        severityNumber: Int, service: String?, host: String?, environment: String?, message: String,
        traceID: String?, spanID: String?, correlationID: String?, attributes: [String: JSONValue]
    ) {
        self.id = id
        self.tenant = tenant
        self.timestamp = timestamp
        self.observedAt = observedAt
        self.level = level
        self.severityNumber = severityNumber
        self.service = service
        self.host = host
        self.environment = environment
        self.message = message
        self.traceID = traceID
        self.spanID = spanID
        self.correlationID = correlationID
        self.attributeStorage = RecordAttributes(attributes)
    }
}

extension LogRecord: Codable {
    enum CodingKeys: String, CodingKey {
        case id, tenant, timestamp, level, service, host, environment, message
        case attributeStorage = "attributes"
        case observedAt = "observed_at"
        case severityNumber = "severity_number"
        case traceID = "trace_id"
        case spanID = "span_id"
        case correlationID = "correlation_id"
        case patternID = "pattern_id"
    }
}

extension LogRecord {
    /// About the size of the record's JSON in an answer (its text fields, attributes and the fixed
    /// fields), give or take escapes.
    public var approximateJSONBytes: Int {
        var bytes = 300 + message.utf8.count + id.utf8.count + tenant.utf8.count
        bytes += (service?.utf8.count ?? 0) + (host?.utf8.count ?? 0) + (environment?.utf8.count ?? 0)
        bytes += (traceID?.utf8.count ?? 0) + (spanID?.utf8.count ?? 0) + (correlationID?.utf8.count ?? 0)
        return bytes + attributeStorage.approximateJSONBytes
    }
}
