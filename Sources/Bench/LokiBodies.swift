import LogModel
import Shippers
import SwiftProtobuf
import WireFormats

/// The workload's records as Loki protobuf pushes (`logproto.PushRequest`, Snappy-compressed), as
/// Promtail sends them: one stream per service, host and level (the labels), each entry's trace,
/// span and correlation IDs and attributes as structured metadata.
enum LokiBodies {
    /// One request body holding `records`.
    static func body(_ records: [JSONValue]) throws -> [UInt8] {
        var streams: [String: Logproto_StreamAdapter] = [:]
        var order: [String] = []
        for case .object(let fields) in records {
            let labels = ["service_name": "service", "host": "host", "level": "level"]
                .compactMap { label, field in fields[field]?.text.map { "\(label)=\"\($0)\"" } }.sorted()
            let key = "{" + labels.joined(separator: ", ") + "}"
            if streams[key] == nil {
                order.append(key)
                streams[key] = Logproto_StreamAdapter()
                streams[key]?.labels = key
            }
            streams[key]?.entries.append(entry(fields))
        }
        var request = Logproto_PushRequest()
        request.streams = order.compactMap { streams[$0] }
        return SnappyBlock.compress(try request.serializedBytes())
    }

    private static func entry(_ fields: [String: JSONValue]) -> Logproto_EntryAdapter {
        var entry = Logproto_EntryAdapter()
        entry.line = fields["message"]?.text ?? ""
        if let text = fields["timestamp"]?.text, let timestamp = Timestamp(rfc3339: text) {
            let (seconds, microseconds) = timestamp.microseconds.quotientAndRemainder(dividingBy: 1_000_000)
            entry.timestamp = Google_Protobuf_Timestamp(seconds: seconds, nanos: Int32(microseconds) * 1000)
        }
        var metadata: [String: String] = [:]
        for key in ["trace_id", "span_id", "correlation_id"] { metadata[key] = fields[key]?.text }
        if case .object(let attributes) = fields["attributes"] {
            for (key, value) in attributes { metadata[key] = value.text ?? value.jsonText }
        }
        entry.structuredMetadata = metadata.sorted { $0.key < $1.key }.map { name, value in
            var pair = Logproto_LabelPairAdapter()
            (pair.name, pair.value) = (name, value)
            return pair
        }
        return entry
    }
}
