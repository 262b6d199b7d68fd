public import LogModel
import SwiftProtobuf
import WireFormats

extension LokiPush {
    /// The entries of a protobuf push body (`logproto.PushRequest`, after Snappy), mapped as the
    /// JSON push's are; a stream's labels are in Prometheus's text form (``LokiLabels``).
    /// - Throws: ``InvalidRequest`` naming the first place where the body is not a push request.
    public static func records(protobuf body: [UInt8]) throws(InvalidRequest) -> [JSONValue] {
        let request: Logproto_PushRequest
        do {
            request = try Logproto_PushRequest(serializedBytes: body)
        } catch {
            throw InvalidRequest(description: "the body is not a logproto.PushRequest: \(error)")
        }
        var records: [JSONValue] = []
        for (streamIndex, stream) in request.streams.enumerated() {
            let place = "streams[\(streamIndex)]"
            let labels: [String: JSONValue]
            do {
                labels = try LokiLabels.parse(stream.labels).mapValues(JSONValue.string)
            } catch {
                throw InvalidRequest(description: "\(place).labels: \(error)")
            }
            for (entryIndex, entry) in stream.entries.enumerated() {
                let (seconds, overflow) = entry.timestamp.seconds.multipliedReportingOverflow(by: 1_000_000)
                guard !overflow else {
                    throw InvalidRequest(description: "\(place).entries[\(entryIndex)].timestamp: out of range")
                }
                let metadata = Dictionary(
                    entry.structuredMetadata.map { ($0.name, JSONValue.string($0.value)) }, uniquingKeysWith: { $1 })
                records.append(
                    record(
                        line: entry.line, microseconds: seconds + Int64(entry.timestamp.nanos / 1000), labels: labels,
                        metadata: metadata))
            }
        }
        return records
    }
}
