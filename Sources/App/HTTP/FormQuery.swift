import Foundation

/// Query-string parameters decoded as browsers and curl encode them: `+` is a space and `%XX` a
/// byte, so `--data-urlencode 'q=a b'` (sent as `q=a+b`) means `a b`. The first value of a repeated
/// name wins. A name or value that is not valid percent-encoded UTF-8 is refused (400 naming it),
/// never read as empty.
struct FormQuery {
    private var values: [String: String] = [:]

    /// Parses a raw query string (without the `?`).
    init(_ query: String?) throws(Problem) {
        for pair in (query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]) else {
                throw Problem.badParameter(String(parts[0].prefix(64)), "is not valid percent-encoded UTF-8")
            }
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

    /// The value of a parameter, or nil when absent.
    subscript(_ name: String) -> String? { values[name] }

    /// The names of every parameter present.
    var names: Dictionary<String, String>.Keys { values.keys }

    /// `limit`, from 1 to 1000; `default` when not given.
    func limit(default: Int) throws(Problem) -> Int {
        guard let text = values["limit"] else { return `default` }
        guard let value = Int(text), (1...1000).contains(value) else {
            throw Problem.badParameter("limit", "must be an integer from 1 to 1000")
        }
        return value
    }

    private static func decode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
