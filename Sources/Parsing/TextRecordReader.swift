import LogModel

/// Turns the lines of a text file, one at a time, into parsed records or rejections with their
/// line numbers.
///
/// With no format given, the first lines are held until ``sampleSize`` non-blank ones have arrived
/// (or the input ends) and the format is detected from them (``TextFormat/detect(_:context:)``).
/// In multi-line mode (the default for plain text), a line that starts with a space or a tab, `at `,
/// `Caused by:` or `...` (a stack trace) is added to the message of the record before it, up to
/// ``maxMessageBytes``; the record keeps the number of its first line. Blank lines are skipped.
public struct TextRecordReader {
    /// What one line, or a record of several, became.
    public enum Output: Sendable, Hashable {
        /// A record and the numbers of its first and last lines.
        case record(ParsedLine, lines: ClosedRange<Int>)
        /// A line that the format could not read, and why.
        case rejected(line: Int, reason: String)
    }

    /// How many non-blank lines detection looks at.
    public static let sampleSize = 20

    /// The format in use: the one given, or the one detected; nil while still sampling.
    public private(set) var format: TextFormat?
    private let multiline: Bool?
    private let context: ParseContext
    private let maxMessageBytes: Int
    private var sample: [(line: String, number: Int)] = []
    private var pending: (parsed: ParsedLine, lines: ClosedRange<Int>, message: String)?

    /// Creates a reader.
    /// - Parameters:
    ///   - format: the file's format, or nil to detect it.
    ///   - multiline: whether continuation lines join the record before them; nil for plain text only.
    ///   - context: the time of receipt, for timestamps without a year.
    ///   - maxMessageBytes: the longest message a record may have; continuation lines past it are dropped.
    public init(format: TextFormat?, multiline: Bool?, context: ParseContext, maxMessageBytes: Int) {
        self.format = format
        self.multiline = multiline
        self.context = context
        self.maxMessageBytes = maxMessageBytes
    }

    /// Reads line number `number`, appending what it completes to `output`.
    public mutating func add(_ line: String, number: Int, into output: inout [Output]) {
        guard let format else {
            if line.utf8.contains(where: { $0 > 0x20 }) || !sample.isEmpty { sample.append((line, number)) }
            if sample.count(where: { $0.line.utf8.contains { $0 > 0x20 } }) >= Self.sampleSize { detect(into: &output) }
            return
        }
        read(line, number: number, format: format, into: &output)
    }

    /// Ends the input, appending the last record and anything still held to `output`.
    public mutating func finish(into output: inout [Output]) {
        if format == nil { detect(into: &output) }
        flushPending(into: &output)
    }

    private mutating func detect(into output: inout [Output]) {
        let detected = TextFormat.detect(sample.map(\.line), context: context)
        format = detected
        let held = sample
        sample = []
        for (line, number) in held { read(line, number: number, format: detected, into: &output) }
    }

    private mutating func read(_ line: String, number: Int, format: TextFormat, into output: inout [Output]) {
        guard line.utf8.contains(where: { $0 > 0x20 }) else { return }
        if multiline ?? (format == .plain), pending != nil, Self.continues(line) {
            append(line, number: number)
            return
        }
        flushPending(into: &output)
        switch format.parse(line, context: context) {
        case .success(let parsed):
            if case .string(let message) = parsed.fields["message"] {
                pending = (parsed, number...number, message)
            } else {
                output.append(.record(parsed, lines: number...number))
            }
        case .failure(let rejection):
            output.append(.rejected(line: number, reason: rejection.reason))
        }
    }

    private mutating func append(_ line: String, number: Int) {
        guard var held = pending else { return }
        held.lines = held.lines.lowerBound...number
        if held.message.utf8.count + 1 + line.utf8.count <= maxMessageBytes { held.message += "\n" + line }
        pending = held
    }

    private mutating func flushPending(into output: inout [Output]) {
        guard var held = pending else { return }
        pending = nil
        held.parsed.fields["message"] = .string(held.message)
        output.append(.record(held.parsed, lines: held.lines))
    }

    /// Whether a line continues the record before it: indented, or a stack trace's `at `,
    /// `Caused by:` or `...` line.
    static func continues(_ line: String) -> Bool {
        guard let first = line.utf8.first else { return false }
        return first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") || line.hasPrefix("at ")
            || line.hasPrefix("Caused by:") || line.hasPrefix("...")
    }
}
