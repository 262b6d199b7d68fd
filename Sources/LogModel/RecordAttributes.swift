import Synchronization

/// A record's attributes, held as members or as the sorted JSON text a store gave
/// (``JSONParser/sortedText(_:)``), which is parsed only when the members are first read.
///
/// A page of stored records is written out with its attributes' text as it is: parsing them and
/// writing them again took about a tenth of the server's CPU for a page of 100 records.
public struct RecordAttributes: Sendable {
    private enum Form: Sendable {
        case members([String: JSONValue])
        case sortedText(SortedText)
    }

    private let form: Form

    /// Attributes held as members.
    public init(_ members: [String: JSONValue]) {
        form = .members(members)
    }

    /// Attributes read from the JSON text of an object, as a store keeps them; a problem when the
    /// text is not JSON or not an object.
    public init(storedText: UnsafeRawBufferPointer) throws(JSONParser.SyntaxError) {
        let text = try JSONParser.sortedText(storedText)
        guard text.first == UInt8(ascii: "{") else {
            throw JSONParser.SyntaxError(offset: 0, reason: "stored attributes are not a JSON object")
        }
        form = .sortedText(SortedText(text))
    }

    /// The attributes' members.
    public var members: [String: JSONValue] {
        switch form {
        case .members(let members): members
        case .sortedText(let text): text.members
        }
    }

    /// About the size of their JSON.
    public var approximateJSONBytes: Int {
        switch form {
        case .members(let members): JSONValue.object(members).approximateJSONBytes
        case .sortedText(let text): text.bytes.count
        }
    }

    /// Appends them as a JSON object, keys sorted.
    public func writeJSON(to output: inout JSONOutput) {
        switch form {
        case .members(let members): output.object(members, sortingKeys: true)
        case .sortedText(let text): output.rawBytes(text.bytes)
        }
    }
}

extension RecordAttributes: Hashable {
    /// Equal when their members are.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.members == rhs.members
    }

    /// Hashes the members.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(members)
    }
}

extension RecordAttributes: Codable {
    /// Decodes a JSON object.
    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode([String: JSONValue].self))
    }

    /// Encodes the members as a JSON object.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(members)
    }
}

/// Sorted JSON text of an object and, once read, its members.
private final class SortedText: Sendable {
    let bytes: [UInt8]
    private let parsed = Mutex<[String: JSONValue]?>(nil)

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var members: [String: JSONValue] {
        parsed.withLock { parsed in
            if let parsed { return parsed }
            // The text is the writer's own output for an object, so it always parses to one.
            guard case .object(let members)? = try? JSONParser.parse(bytes) else {
                preconditionFailure("sorted attribute text is not a JSON object")
            }
            parsed = members
            return members
        }
    }
}
