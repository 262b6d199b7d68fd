public import LogModel

/// Elasticsearch's `_bulk` body (NDJSON action and source lines) as items: the documents of `index`
/// and `create` actions as the JSON objects our own route takes, and the other actions refused one
/// by one, as Elasticsearch refuses a bad item without failing the batch.
///
/// A document's `@timestamp` is the timestamp; `message` (or `log` or `msg`, when text) the message;
/// the ECS fields `log.level`, `service.name`, `host.name`, `trace.id`, `span.id`,
/// `transaction.id` and `service.environment`, sent dotted or nested, the level, service, host,
/// trace ID, span ID, correlation ID and environment; the index is kept as `attributes.index`, and
/// every other field goes into `attributes`.
public enum ElasticsearchBulk {
    /// One action of the body.
    public struct Item: Sendable {
        /// `index`, `create`, `update` or `delete`, as sent.
        public var action: String
        /// The target index: the action's `_index`, else the one in the path.
        public var index: String?
        /// The action's `_id`, which a refused item is answered with (a stored record has its own).
        public var id: String?
        /// The document as our route takes it, or why the item is refused.
        public var document: Result<JSONValue, Refusal>
    }

    /// Why an item is refused: its status and Elasticsearch's `error.type` and `error.reason`.
    public struct Refusal: Error, Sendable {
        /// The item's HTTP status.
        public var status: Int
        /// Elasticsearch's error type.
        public var type: String
        /// What is wrong.
        public var reason: String

        /// Creates a refusal.
        public init(status: Int, type: String, reason: String) {
            self.status = status
            self.type = type
            self.reason = reason
        }
    }

    /// A body that is not a bulk request: an action line that is not an action.
    public struct InvalidRequest: Error, CustomStringConvertible {
        /// Where and what.
        public var description: String
    }

    /// The items of a bulk body, `defaultIndex` being the index of the path (`/{index}/_bulk`).
    /// - Throws: ``InvalidRequest`` for an action line that is not an action object.
    public static func items(_ body: [UInt8], defaultIndex: String?) throws(InvalidRequest) -> [Item] {
        var lines = body.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
            .filter { line in line.contains { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\r") } }[...]
        var items: [Item] = []
        var lineNumber = 0
        while let actionLine = lines.popFirst() {
            lineNumber += 1
            guard case .object(let action) = try? JSONParser.parse(actionLine), action.count == 1,
                let (name, metadataValue) = action.first, case .object(let metadata) = metadataValue
            else {
                throw InvalidRequest(
                    description: "line \(lineNumber): malformed action/metadata line, expected {\"index\": {...}}")
            }
            let (index, id) = (metadata["_index"]?.text ?? defaultIndex, metadata["_id"]?.text)
            switch name {
            case "index", "create", "update":
                guard let sourceLine = lines.popFirst() else {
                    throw InvalidRequest(description: "line \(lineNumber): the \(name) action has no source line")
                }
                lineNumber += 1
                let document: Result<JSONValue, Refusal>
                if name == "update" {
                    document = .failure(
                        Refusal(
                            status: 405, type: "illegal_argument_exception",
                            reason: "update is not supported: records are immutable"))
                } else if case .object(let source) = try? JSONParser.parse(sourceLine) {
                    document = .success(record(source, index: index))
                } else {
                    document = .failure(
                        Refusal(
                            status: 400, type: "document_parsing_exception",
                            reason: "line \(lineNumber): the source is not a JSON object"))
                }
                items.append(Item(action: name, index: index, id: id, document: document))
            case "delete":
                items.append(
                    Item(
                        action: name, index: index, id: id,
                        document: .failure(
                            Refusal(
                                status: 405, type: "illegal_argument_exception",
                                reason: "delete is not supported here: use DELETE /api/v1/logs"))))
            default:
                throw InvalidRequest(description: "line \(lineNumber): unknown action [\(name)]")
            }
        }
        return items
    }

    private static let columns: [(field: String, path: [String])] = [
        ("timestamp", ["@timestamp"]), ("level", ["log", "level"]), ("service", ["service", "name"]),
        ("host", ["host", "name"]), ("trace_id", ["trace", "id"]), ("span_id", ["span", "id"]),
        ("correlation_id", ["transaction", "id"]), ("environment", ["service", "environment"]),
    ]

    private static func record(_ source: [String: JSONValue], index: String?) -> JSONValue {
        var rest = source
        var fields: [String: JSONValue] = [:]
        for key in ["message", "log", "msg"] {
            if case .string = rest[key] {
                fields["message"] = rest.removeValue(forKey: key)
                break
            }
        }
        for (field, path) in columns {
            if let value = take(path, from: &rest) { fields[field] = value }
        }
        if let index { rest["index"] = .string(index) }
        fields["attributes"] = .object(rest)
        return .object(fields)
    }

    /// The value at `path`, sent dotted (`"log.level"`) or nested (`{"log": {"level"}}`), removed
    /// from `object` (with the objects it leaves empty).
    private static func take(_ path: [String], from object: inout [String: JSONValue]) -> JSONValue? {
        if let value = object.removeValue(forKey: path.joined(separator: ".")) { return value }
        guard path.count > 1, case .object(var nested) = object[path[0]] else { return nil }
        let value = take(Array(path.dropFirst()), from: &nested)
        object[path[0]] = nested.isEmpty ? nil : .object(nested)
        return value
    }
}
