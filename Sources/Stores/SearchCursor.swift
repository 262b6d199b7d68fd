import Foundation
public import LogModel

/// A keyset position in newest-first order: the `(timestamp, id)` of the last record of a page.
///
/// Its text form is opaque to clients: base64url of `microseconds:id`.
public struct SearchCursor: Sendable, Hashable {
    /// The timestamp of the last record seen.
    public var timestamp: Timestamp
    /// The ID of the last record seen.
    public var id: String

    /// Creates a cursor at a position.
    public init(timestamp: Timestamp, id: String) {
        self.timestamp = timestamp
        self.id = id
    }

    /// The cursor that continues after a record.
    public init(after record: LogRecord) {
        self.init(timestamp: record.timestamp, id: record.id)
    }

    /// The cursor that continues with the records older than `timestamp`.
    public init(before timestamp: Timestamp) {
        self.init(timestamp: timestamp, id: "00000000-0000-0000-0000-000000000000")
    }

    /// Decodes a cursor's text form; nil when the text is not one this type made (its instant lies
    /// outside ``Timestamp/supportedRange``, or its ID is not a record ID).
    public init?(encoded: String) {
        guard let data = Base64URL.decode(encoded), let text = String(data: data, encoding: .utf8) else {
            return nil
        }
        let parts = text.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let micros = Int64(parts[0]), RecordID.isWellFormed(String(parts[1])),
            Timestamp.supportedRange.contains(Timestamp(microseconds: micros))
        else {
            return nil
        }
        self.init(timestamp: Timestamp(microseconds: micros), id: String(parts[1]))
    }

    /// The cursor's text form.
    public var encoded: String {
        Base64URL.encode(Data("\(timestamp.microseconds):\(id)".utf8))
    }
}
