/// A Loki stream's label set in Prometheus's text form, as the protobuf push carries it:
/// `{app="api", level="info"}`, values quoted with `\\`, `\"` and `\n` escaped.
public enum LokiLabels {
    /// Where a label set goes wrong.
    public struct Invalid: Error, CustomStringConvertible {
        /// What is wrong, and at which character.
        public var description: String
    }

    /// The labels by name; a name given twice keeps its last value.
    public static func parse(_ text: String) throws(Invalid) -> [String: String] {
        var reader = Reader(characters: Array(text.unicodeScalars))
        var labels: [String: String] = [:]
        reader.skipSpaces()
        try reader.expect("{")
        reader.skipSpaces()
        if reader.take("}") { return try reader.end(labels) }
        while true {
            let name = try reader.name()
            reader.skipSpaces()
            try reader.expect("=")
            reader.skipSpaces()
            labels[name] = try reader.quoted()
            reader.skipSpaces()
            if reader.take("}") { return try reader.end(labels) }
            try reader.expect(",")
            reader.skipSpaces()
        }
    }

    private struct Reader {
        let characters: [Unicode.Scalar]
        var position = 0

        mutating func skipSpaces() {
            while position < characters.count, characters[position] == " " { position += 1 }
        }

        mutating func take(_ character: Unicode.Scalar) -> Bool {
            guard position < characters.count, characters[position] == character else { return false }
            position += 1
            return true
        }

        mutating func expect(_ character: Unicode.Scalar) throws(Invalid) {
            guard take(character) else { throw failure("expected \(character)") }
        }

        /// A label name: a letter or `_`, then letters, digits and `_`.
        mutating func name() throws(Invalid) -> String {
            let start = position
            while position < characters.count, Self.isNameCharacter(characters[position], first: position == start) {
                position += 1
            }
            guard position > start else { throw failure("expected a label name") }
            return String(String.UnicodeScalarView(characters[start..<position]))
        }

        mutating func quoted() throws(Invalid) -> String {
            try expect("\"")
            var value = String.UnicodeScalarView()
            while position < characters.count {
                let character = characters[position]
                position += 1
                switch character {
                case "\"": return String(value)
                case "\\":
                    guard position < characters.count else { break }
                    let escaped = characters[position]
                    position += 1
                    switch escaped {
                    case "n": value.append("\n")
                    case "\\", "\"": value.append(escaped)
                    default: throw failure("unknown escape \\\(escaped)")
                    }
                default: value.append(character)
                }
            }
            throw failure("unterminated label value")
        }

        func end(_ labels: [String: String]) throws(Invalid) -> [String: String] {
            var rest = self
            rest.skipSpaces()
            guard rest.position == characters.count else { throw rest.failure("unexpected text after }") }
            return labels
        }

        func failure(_ what: String) -> Invalid {
            Invalid(description: "\(what) at character \(position)")
        }

        private static func isNameCharacter(_ character: Unicode.Scalar, first: Bool) -> Bool {
            switch character {
            case "a"..."z", "A"..."Z", "_": true
            case "0"..."9": !first
            default: false
            }
        }
    }
}
