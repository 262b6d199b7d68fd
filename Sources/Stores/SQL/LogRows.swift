import LogModel

/// Turns a row of the log table, selected in the order both stores use (`id, tenant, ts,
/// observed_at, level, severity_number, service, host, environment, message, trace_id, span_id,
/// correlation_id, attributes, pattern_id`, times as epoch microseconds), back into a record.
enum LogRows {
    static func record(from row: [SQLValue?]) throws -> LogRecord {
        var record = LogRecord(
            id: try row.text(0), tenant: try row.text(1), timestamp: Timestamp(microseconds: try row.integer(2)),
            observedAt: Timestamp(microseconds: try row.integer(3)), level: try row.level(4),
            severityNumber: Int(try row.integer(5)), service: row[6]?.text, host: row[7]?.text,
            environment: row[8]?.text, message: try row.text(9), traceID: row[10]?.text, spanID: row[11]?.text,
            correlationID: row[12]?.text, attributes: [:])
        record.attributeStorage = try AttributeCoding.decode(try row.text(13))
        record.patternID = row.optionalInteger(14).map(PatternID.init(storedValue:))
        return record
    }
}
