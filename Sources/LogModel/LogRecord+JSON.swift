extension LogRecord {
    /// Appends the record as the API shows it: the `Codable` form's members in the order of their
    /// keys, absent fields left out, attributes' keys sorted too.
    public func writeJSON(to output: inout JSONOutput) {
        output.raw("{")
        output.key("attributes", first: true)
        attributeStorage.writeJSON(to: &output)
        Self.write("correlation_id", correlationID, to: &output)
        Self.write("environment", environment, to: &output)
        Self.write("host", host, to: &output)
        Self.write("id", id, to: &output)
        Self.write("level", level.rawValue, to: &output)
        Self.write("message", message, to: &output)
        output.key("observed_at")
        output.timestamp(observedAt)
        Self.write("pattern_id", patternID?.description, to: &output)
        Self.write("service", service, to: &output)
        output.key("severity_number")
        output.integer(severityNumber)
        Self.write("span_id", spanID, to: &output)
        Self.write("tenant", tenant, to: &output)
        output.key("timestamp")
        output.timestamp(timestamp)
        Self.write("trace_id", traceID, to: &output)
        output.raw("}")
    }

    /// Records as a JSON array, each as ``writeJSON(to:)`` writes it.
    public static func writeJSON(_ records: some Collection<LogRecord>, to output: inout JSONOutput) {
        output.raw("[")
        for (position, record) in records.enumerated() {
            if position > 0 { output.raw(",") }
            record.writeJSON(to: &output)
        }
        output.raw("]")
    }

    private static func write(_ name: StaticString, _ text: String?, to output: inout JSONOutput) {
        guard let text else { return }
        output.key(name)
        output.string(text)
    }
}
