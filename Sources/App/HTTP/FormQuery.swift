import LogModel

/// Query-string parameters decoded as browsers and curl encode them: `+` is a space and `%XX` a
/// byte, so `--data-urlencode 'q=a b'` (sent as `q=a+b`) means `a b`. The first value of a repeated
/// name wins. A name or value that is not valid percent-encoded UTF-8 is refused (400 naming it),
/// never read as empty.
struct FormQuery {
    private var values: [String: String] = [:]

    /// Parses a raw query string (without the `?`).
    init(_ query: String?) throws(Problem) {
        for (name, parts) in try Self.namedPairs(query) {
            guard values[name] == nil else { continue }
            guard parts.count > 1 else {
                values[name] = ""
                continue
            }
            guard let value = Self.decode(parts[1]) else {
                throw Problem.badParameter(name, "is not valid percent-encoded UTF-8")
            }
            values[name] = value
        }
    }

    /// The names of a raw query string's parameters, decoded, without decoding their values: what a
    /// request's check of its parameter names costs before its rate limit is known.
    static func names(_ query: String?) throws(Problem) -> [String] {
        try namedPairs(query).map(\.name)
    }

    /// Each `name=value` pair with its name decoded and its `=`-split parts as sent.
    private static func namedPairs(_ query: String?) throws(Problem) -> [(name: String, parts: [Substring.UTF8View])] {
        try (query ?? "").utf8.split(separator: UInt8(ascii: "&")).map { (pair) throws(Problem) in
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(parts[0]) else {
                throw Problem.badParameter(
                    String(decoding: parts[0].prefix(64), as: UTF8.self), "is not valid percent-encoded UTF-8")
            }
            return (name, parts)
        }
    }

    /// The value of a parameter, or nil when absent.
    subscript(_ name: String) -> String? { values[name] }

    /// `limit`, from 1 to 1000; `default` when not given.
    func limit(default: Int) throws(Problem) -> Int {
        guard let text = values["limit"] else { return `default` }
        guard let value = Int(text), (1...1000).contains(value) else {
            throw Problem.badParameter("limit", "must be an integer from 1 to 1000")
        }
        return value
    }

    /// Splits and decodes bytes rather than characters: Foundation's percent decoding and splitting
    /// by `Character` took most of the CPU of a flood of queries of thousands of words, even of those
    /// answered 429.
    private static func decode(_ text: Substring.UTF8View) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count)
        var encoded = text.makeIterator()
        while let byte = encoded.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = encoded.next().flatMap(Hex.digitValue),
                    let low = encoded.next().flatMap(Hex.digitValue)
                else { return nil }
                bytes.append(high << 4 | low)
            default: bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
