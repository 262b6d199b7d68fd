public import LogModel

/// What a parser made of one line: a record's fields under the names `POST /api/v1/logs` reads
/// (`message`, `level`, `timestamp`, `service`, `host`, ...); every other name is an attribute.
///
/// The fields go through the same ``RecordDecoder`` as JSON ingest, so every limit and default of a
/// record applies to text lines too.
public struct ParsedLine: Sendable, Hashable {
    /// The record's fields, as a JSON object's members.
    public var fields: [String: JSONValue]

    /// Creates a parsed line from its fields.
    public init(fields: [String: JSONValue]) {
        self.fields = fields
    }

    /// The line as the JSON object that ingest decodes.
    public var object: JSONValue { .object(fields) }
}

/// Why a line is not in the format it was read as, in words a client can act on.
public struct LineRejection: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong with the line.
    public var reason: String

    /// Creates a rejection.
    public init(_ reason: String) {
        self.reason = reason
    }

    /// The reason.
    public var description: String { reason }
}

/// What parsers need to know besides the line: when it was received, which resolves a timestamp
/// that lacks its year.
public struct ParseContext: Sendable {
    /// When the line was received.
    public var receivedAt: Timestamp

    /// Creates a context.
    public init(receivedAt: Timestamp) {
        self.receivedAt = receivedAt
    }

    /// The instant of a date and time given without a year (`Jun 14 15:16:01`): in the year of
    /// receipt, unless that lies more than a day after receipt, then in the year before (a December
    /// line read in January).
    func resolvingYear(month: Int64, day: Int64, hour: Int64, minute: Int64, second: Int64, microsecond: Int64 = 0)
        -> Timestamp?
    {
        let year = receivedAt.utcYear
        guard
            let sameYear = Timestamp(
                year: year, month: month, day: day, hour: hour, minute: minute, second: second,
                microsecond: microsecond)
        else {
            return Timestamp(
                year: year - 1, month: month, day: day, hour: hour, minute: minute, second: second,
                microsecond: microsecond)
        }
        guard sameYear.microseconds > receivedAt.microseconds + 86_400_000_000 else { return sameYear }
        return Timestamp(
            year: year - 1, month: month, day: day, hour: hour, minute: minute, second: second, microsecond: microsecond
        )
    }
}
