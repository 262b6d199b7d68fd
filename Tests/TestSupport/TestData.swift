public import Foundation

/// The repository's `testdata` folder and readers for its files.
public enum TestData {
    /// The `testdata` folder of the repository.
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("testdata")

    /// The lines of a file, without line ends (LF or CRLF).
    public static func lines(_ path: String) throws -> [String] {
        let text = try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
        var lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { line in
            String(decoding: line.last == UInt8(ascii: "\r") ? line.dropLast() : line, as: UTF8.self)
        }
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// The rows of a CSV file (RFC 4180: quoted fields, `""` for a quote), as dictionaries by header.
    public static func csv(_ path: String) throws -> [[String: String]] {
        let text = try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var characters = text.makeIterator()
        var lookahead: Character?
        while let character = lookahead ?? characters.next() {
            lookahead = nil
            if quoted {
                if character == "\"" {
                    let next = characters.next()
                    if next == "\"" { field.append("\"") } else { quoted = false; lookahead = next }
                } else {
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"": quoted = true
            case ",": row.append(field); field = ""
            case "\n", "\r\n":
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            default: field.append(character)
            }
        }
        if !field.isEmpty || !row.isEmpty { rows.append(row + [field]) }
        let header = rows.removeFirst()
        return rows.map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }

}
