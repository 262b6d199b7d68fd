import Foundation

/// Query-string parameters decoded as browsers and curl encode them: `+` is a space and `%XX` a
/// byte, so `--data-urlencode 'q=a b'` (sent as `q=a+b`) means `a b`. The first value of a repeated
/// name wins.
struct FormQuery {
    private var values: [String: String] = [:]

    /// Parses a raw query string (without the `?`).
    init(_ query: String?) {
        for pair in (query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]), values[name] == nil else { continue }
            values[name] = parts.count > 1 ? Self.decode(parts[1]) ?? "" : ""
        }
    }

    /// The value of a parameter, or nil when absent.
    subscript(_ name: String) -> String? { values[name] }

    private static func decode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
