/// Masks the values in a token before clustering, so that lines that differ only in their values fall
/// together from the first line on.
///
/// A token is read as segments between delimiters (`=` `,` `;` `|`, brackets and quotes), so the
/// punctuation that binds a value to its name stays in the template: `(pid=42),` becomes
/// `(pid=<*>),` and `ready=true,policy=3` becomes `ready=true,policy=<*>`. A segment `name:value`
/// keeps its name, `index:12` becoming `index:<*>`. A segment is a value when it has a digit
/// (numbers, hex IDs, IP addresses and ports, UUIDs, times, durations and sizes with units), is a
/// path, a URL or an e-mail-like address, or stands between quotes; a trailing `.` `:` `!` `?`
/// (sentence punctuation) stays outside the value.
public enum Masking {
    /// The placeholder of a value in a template.
    public static let wildcard = "<*>"

    private static let delimiters: Set<Character> = ["=", ",", ";", "|", "(", ")", "[", "]", "{", "}", "\"", "'"]
    private static let quotes: Set<Character> = ["\"", "'"]

    /// The token with its values replaced by ``wildcard``.
    public static func mask(_ token: Substring) -> String {
        if token == wildcard { return wildcard }
        return parts(of: token).map { part in
            switch part {
            case .delimiter(let character): String(character)
            case .segment(let text, let quoted): quoted && !text.isEmpty ? wildcard : mask(segment: text)
            }
        }.joined()
    }

    /// The delimiters of a token in order, with the number of segments: two tokens with the same
    /// skeleton can be merged segment by segment.
    static func parts(of token: some StringProtocol) -> [Part] {
        var parts: [Part] = []
        var segment = Substring()
        var quoted = false
        var start = token.startIndex
        for index in token.indices where delimiters.contains(token[index]) {
            segment = Substring(token[start..<index])
            parts.append(.segment(segment, quoted: quoted))
            let character = token[index]
            if quotes.contains(character) { quoted.toggle() }
            parts.append(.delimiter(character))
            start = token.index(after: index)
        }
        parts.append(.segment(Substring(token[start...]), quoted: false))
        return parts
    }

    /// A piece of a token: a delimiter, or the text between two (inside quotes or not).
    enum Part: Equatable {
        case delimiter(Character)
        case segment(Substring, quoted: Bool)
    }

    private static func mask(segment: Substring) -> String {
        guard !segment.isEmpty, segment != Substring(wildcard) else { return String(segment) }
        var core = segment
        while core.count > 1, let last = core.last, [".", ":", "!", "?"].contains(last) { core = core.dropLast() }
        let tail = segment[core.endIndex...]
        if let colon = core.firstIndex(of: ":"), colon != core.startIndex,
            core[..<colon].allSatisfy({ $0.isLetter || $0 == "_" }), core.index(after: colon) != core.endIndex
        {
            return core[...colon] + mask(segment: core[core.index(after: colon)...]) + tail
        }
        return isVariable(core) ? wildcard + tail : String(segment)
    }

    /// Whether `text` is a value as a whole.
    static func isVariable(_ text: Substring) -> Bool {
        if text.unicodeScalars.contains(where: { ("0"..."9").contains($0) }) { return true }
        if text.count > 1, text.first == "/", text.dropFirst().contains("/") { return true }
        if text.contains("://") { return true }
        if let at = text.firstIndex(of: "@"), at != text.startIndex, text[at...].contains(".") { return true }
        return false
    }
}
