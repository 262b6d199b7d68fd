public import LogModel

/// Loki's push body, JSON (`{"streams":[{"stream":{labels},"values":[["<unix ns>","line",{metadata}]]}]}`)
/// or protobuf (`logproto.PushRequest`, already decompressed), as the JSON objects our own route
/// takes, one per entry, in order.
///
/// The labels `service_name`, else `service`, `app` or `job`, become `service`; `level`,
/// `detected_level` or `severity` the level; `host`, `hostname` or `instance` the host; `env` or
/// `environment` the environment; every other label and all structured metadata go into
/// `attributes`, and `trace_id` or `traceID` metadata becomes the trace ID.
public enum LokiPush {
    /// A body that is not a Loki push request, with where it goes wrong.
    public struct InvalidRequest: Error, CustomStringConvertible {
        /// The place in the body (`streams[0].values[3][0]`) and what is wrong there.
        public var description: String
    }

    /// The entries of a push body.
    /// - Throws: ``InvalidRequest`` naming the first place where the body is not a push request.
    public static func records(_ body: [UInt8]) throws(InvalidRequest) -> [JSONValue] {
        let value: JSONValue
        do {
            value = try JSONParser.parse(body)
        } catch {
            throw InvalidRequest(description: "the body is not JSON: \(error)")
        }
        guard case .object(let push) = value, case .array(let streams) = push["streams"] else {
            throw InvalidRequest(description: "streams: must be an array of streams")
        }
        var records: [JSONValue] = []
        for (streamIndex, stream) in streams.enumerated() {
            let place = "streams[\(streamIndex)]"
            guard case .object(let members) = stream else {
                throw InvalidRequest(description: "\(place): must be an object")
            }
            var labels: [String: JSONValue] = [:]
            if case .object(let given) = members["stream"] {
                labels = given
            } else if members["stream"] != nil {
                throw InvalidRequest(description: "\(place).stream: must be an object of labels")
            }
            guard case .array(let values) = members["values"] else {
                throw InvalidRequest(description: "\(place).values: must be an array of entries")
            }
            for (entryIndex, entry) in values.enumerated() {
                records.append(try record(entry, labels: labels, place: "\(place).values[\(entryIndex)]"))
            }
        }
        return records
    }

    private static let columns: [(field: String, labels: [String])] = [
        ("service", ["service_name", "service", "app", "job"]), ("level", ["level", "detected_level", "severity"]),
        ("host", ["host", "hostname", "instance"]), ("environment", ["env", "environment"]),
    ]
    private static let traceKeys = ["trace_id", "traceID"]

    private static func record(_ entry: JSONValue, labels: [String: JSONValue], place: String) throws(InvalidRequest)
        -> JSONValue
    {
        guard case .array(let parts) = entry, (2...3).contains(parts.count) else {
            throw InvalidRequest(description: "\(place): must be [timestamp, line] or [timestamp, line, metadata]")
        }
        guard case .string(let nanoseconds) = parts[0], let stamp = Int64(nanoseconds) else {
            throw InvalidRequest(description: "\(place)[0]: must be a string of nanoseconds since the epoch")
        }
        guard case .string(let line) = parts[1] else {
            throw InvalidRequest(description: "\(place)[1]: must be a string")
        }
        var metadata: [String: JSONValue] = [:]
        if parts.count == 3 {
            guard case .object(let given) = parts[2] else {
                throw InvalidRequest(description: "\(place)[2]: must be an object of structured metadata")
            }
            metadata = given
        }
        return record(line: line, microseconds: stamp / 1000, labels: labels, metadata: metadata)
    }

    /// The record of one entry, in either encoding.
    static func record(
        line: String, microseconds: Int64, labels: [String: JSONValue], metadata: [String: JSONValue]
    ) -> JSONValue {
        var metadata = metadata
        var attributes = labels
        var fields: [String: JSONValue] = [
            "message": .string(line), "timestamp": .string(Timestamp(microseconds: microseconds).rfc3339),
        ]
        for (field, names) in columns {
            guard let name = names.first(where: { labels[$0] != nil }) else { continue }
            fields[field] = labels[name]
            attributes[name] = nil
        }
        if let key = traceKeys.first(where: { metadata[$0] != nil }) {
            fields["trace_id"] = metadata[key]
            metadata[key] = nil
        }
        attributes.merge(metadata) { _, metadata in metadata }
        fields["attributes"] = .object(attributes)
        return .object(fields)
    }
}
