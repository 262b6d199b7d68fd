import LogModel

/// JSON lines: each line one JSON object, decoded as `POST /api/v1/logs` decodes a record.
public enum JSONLineParser {
    /// Parses one line.
    public static func parse(_ line: String) -> Result<ParsedLine, LineRejection> {
        let value: JSONValue
        do {
            value = try JSONParser.parse(line.utf8)
        } catch {
            return .failure(LineRejection("the line is not valid JSON: \(error)"))
        }
        guard case .object(let fields) = value else {
            return .failure(LineRejection("the line must be a JSON object, not \(value.typeName)"))
        }
        return .success(ParsedLine(fields: fields))
    }
}
