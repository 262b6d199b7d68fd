import HTTPTypes
import LogModel

/// The records of one ingest request, decoded one item at a time as the body is read: the valid
/// ones, and for the others their index and the reason.
struct IngestBatch {
    /// An item that could not be ingested, by its position in the body.
    struct Rejected {
        var index: Int
        /// `invalid`, `too_old`, `too_far_in_future` or `too_many_attribute_keys`.
        var code: String
        var reason: String
    }

    let decoder: RecordDecoder
    let tenant: String
    let receivedAt: Timestamp
    let window: TimestampWindow
    let maxItems: Int
    private(set) var accepted: [LogRecord] = []
    /// The position in the body of each accepted record.
    private(set) var acceptedItems: [Int] = []
    private(set) var rejected: [Rejected] = []
    private(set) var itemCount = 0

    init(decoder: RecordDecoder, tenant: String, receivedAt: Timestamp, window: TimestampWindow, maxItems: Int) {
        self.decoder = decoder
        self.tenant = tenant
        self.receivedAt = receivedAt
        self.window = window
        self.maxItems = maxItems
    }

    /// Decodes the next item, or records why it is not a record.
    /// - Throws: 413 as soon as the body holds more items than the limit.
    mutating func add(_ item: Result<JSONValue, RecordDecoder.Rejection>) throws(Problem) {
        guard itemCount < maxItems else {
            throw Problem(
                status: .contentTooLarge, kind: "too-many-records",
                detail: "more than \(maxItems) records in one request")
        }
        switch item.flatMap({ decoder.decode($0, tenant: tenant, receivedAt: receivedAt, window: window) }) {
        case .success(let record):
            accepted.append(record)
            acceptedItems.append(itemCount)
        case .failure(let rejection):
            rejected.append(Rejected(index: itemCount, code: rejection.code.rawValue, reason: rejection.description))
        }
        itemCount += 1
    }
}
