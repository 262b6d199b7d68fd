/// One lexical unit of a query string, with the offset where it starts.
struct QueryToken: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        case open
        case close
        case negate
        case and
        case or
        /// A term: bare text (which may be `field:value`), or a quoted phrase.
        case term(name: String?, operator: String?, value: String, quoted: Bool)
    }

    var kind: Kind
    var position: Int
    /// Offset of the term's value, for errors that point at it.
    var valuePosition: Int
}

/// Splits a query string into tokens: parentheses, `-`, `AND`/`OR`/`NOT`, quoted phrases and
/// bare terms, where a bare term may be `name:value`, `name:>=value` or `name>=value`.
struct QueryTokenizer {
    private let characters: [Character]
    private var index = 0

    init(_ text: String) {
        characters = Array(text)
    }

    mutating func tokens() throws(QuerySyntaxError) -> [QueryToken] {
        var tokens: [QueryToken] = []
        while true {
            while index < characters.count, characters[index].isWhitespace { index += 1 }
            guard index < characters.count else { return tokens }
            let start = index
            switch characters[index] {
            case "(":
                index += 1
                tokens.append(QueryToken(kind: .open, position: start, valuePosition: start))
            case ")":
                index += 1
                tokens.append(QueryToken(kind: .close, position: start, valuePosition: start))
            case "-" where index + 1 < characters.count && !characters[index + 1].isWhitespace:
                index += 1
                tokens.append(QueryToken(kind: .negate, position: start, valuePosition: start))
            case "\"":
                let phrase = try quoted()
                tokens.append(
                    QueryToken(
                        kind: .term(name: nil, operator: nil, value: phrase, quoted: true), position: start,
                        valuePosition: start))
            default:
                tokens.append(try bare())
            }
        }
    }

    private mutating func quoted() throws(QuerySyntaxError) -> String {
        let start = index
        index += 1
        var text = ""
        while index < characters.count {
            let character = characters[index]
            index += 1
            switch character {
            case "\"": return text
            case "\\" where index < characters.count:
                text.append(characters[index])
                index += 1
            default: text.append(character)
            }
        }
        throw QuerySyntaxError(position: start, reason: "unterminated quoted phrase")
    }

    private mutating func bare() throws(QuerySyntaxError) -> QueryToken {
        let start = index
        var text = ""
        while index < characters.count, !characters[index].isWhitespace, characters[index] != "(",
            characters[index] != ")", characters[index] != "\""
        {
            text.append(characters[index])
            index += 1
        }
        switch text {
        case "AND": return QueryToken(kind: .and, position: start, valuePosition: start)
        case "OR": return QueryToken(kind: .or, position: start, valuePosition: start)
        case "NOT": return QueryToken(kind: .negate, position: start, valuePosition: start)
        default: break
        }
        guard let (name, op, valueOffset) = Self.splitField(text) else {
            if index < characters.count, characters[index] == "\"" {
                throw QuerySyntaxError(position: index, reason: "unexpected '\"' inside a word")
            }
            return QueryToken(
                kind: .term(name: nil, operator: nil, value: text, quoted: false), position: start,
                valuePosition: start)
        }
        var value = String(text.dropFirst(valueOffset))
        var quoted = false
        let valuePosition = start + valueOffset
        if value.isEmpty, index < characters.count, characters[index] == "\"" {
            value = try self.quoted()
            quoted = true
        }
        guard quoted || !value.isEmpty else {
            throw QuerySyntaxError(position: valuePosition, reason: "expected a value after '\(name)\(op)'")
        }
        return QueryToken(
            kind: .term(name: name, operator: op, value: value, quoted: quoted), position: start,
            valuePosition: valuePosition)
    }

    /// Splits `name:value`, `name:>=value` or `name>=value` into the name, the operator
    /// (`:`, `:>=`, `>=`, ...) and the offset of the value; nil when the text is not a field term.
    private static func splitField(_ text: String) -> (String, String, Int)? {
        let characters = Array(text)
        guard let first = characters.first, first.isLetter || first == "_" || first == "@" else { return nil }
        var end = 0
        while end < characters.count, Self.isNameCharacter(characters[end]) { end += 1 }
        guard end < characters.count, end > 0 else { return nil }
        var operatorEnd = end
        if characters[operatorEnd] == ":" { operatorEnd += 1 }
        for comparison in [">=", "<=", ">", "<"] {
            let symbol = Array(comparison)
            if operatorEnd + symbol.count <= characters.count,
                Array(characters[operatorEnd..<operatorEnd + symbol.count]) == symbol
            {
                operatorEnd += symbol.count
                break
            }
        }
        guard operatorEnd > end else { return nil }
        return (String(characters[0..<end]), String(characters[end..<operatorEnd]), operatorEnd)
    }

    private static func isNameCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "_" || character == "." || character == "@"
            || character == "-"
    }
}
