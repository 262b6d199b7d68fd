import LogModel

/// Finds the level of a plain line among its first words.
///
/// A word counts when it spells a level and looks like one: in capitals (`ERROR`, `WARN`), in
/// brackets of any case (`[notice]`, `<warn>`), capitalised before `,` or `:` (`Info:`), or in any
/// case right after the timestamp (`2016-09-28 04:30:30, Info`). A single capital letter (`D`, `W`,
/// `E`, as logcat writes) counts only after a timestamp and numbers (a pid, a tid).
enum LevelWord {
    /// The level of the first such word among the `limit` words after byte `start`, which is where a
    /// timestamp ends when `afterTimestamp`.
    static func find(in bytes: [UInt8], from start: Int, afterTimestamp: Bool, limit: Int = 8) -> LogLevel? {
        var index = start
        var onlyNumbersBefore = afterTimestamp
        for position in 0..<limit {
            while index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") {
                index += 1
            }
            guard index < bytes.count else { return nil }
            let wordStart = index
            while index < bytes.count, bytes[index] != UInt8(ascii: " "), bytes[index] != UInt8(ascii: "\t") {
                index += 1
            }
            let word = bytes[wordStart..<index]
            let anyCase = afterTimestamp && position == 0
            if let level = level(word, singleLetterAllowed: onlyNumbersBefore, anyCase: anyCase) { return level }
            onlyNumbersBefore = onlyNumbersBefore && word.allSatisfy(TextScanner.isDigit)
        }
        return nil
    }

    private static func level(_ word: ArraySlice<UInt8>, singleLetterAllowed: Bool, anyCase: Bool) -> LogLevel? {
        guard word.count <= 12, let first = word.first, let last = word.last else { return nil }
        var inner = word
        let bracketed =
            (first == UInt8(ascii: "[") && last == UInt8(ascii: "]"))
            || (first == UInt8(ascii: "<") && last == UInt8(ascii: ">"))
            || (first == UInt8(ascii: "(") && last == UInt8(ascii: ")"))
        var punctuated = false
        if bracketed {
            inner = inner.dropFirst().dropLast()
        } else if last == UInt8(ascii: ":") || last == UInt8(ascii: ",") {
            inner = inner.dropLast()
            punctuated = true
        }
        guard let innerFirst = inner.first, inner.allSatisfy(isLetter) else { return nil }
        let capitals = inner.allSatisfy(isCapital)
        if inner.count == 1 {
            guard capitals, singleLetterAllowed, !bracketed, !punctuated else { return nil }
            return singleLetters[innerFirst]
        }
        guard inner.count >= 3, anyCase || bracketed || capitals || (punctuated && isCapital(innerFirst)) else {
            return nil
        }
        return words[String(decoding: inner, as: UTF8.self).lowercased()]
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || isCapital(byte)
    }

    private static func isCapital(_ byte: UInt8) -> Bool { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) }

    private static let singleLetters: [UInt8: LogLevel] = [
        UInt8(ascii: "V"): .trace, UInt8(ascii: "D"): .debug, UInt8(ascii: "I"): .info, UInt8(ascii: "W"): .warn,
        UInt8(ascii: "E"): .error, UInt8(ascii: "F"): .fatal,
    ]

    private static let words: [String: LogLevel] = [
        "trace": .trace, "finest": .trace, "verbose": .trace, "debug": .debug, "fine": .debug, "finer": .debug,
        "info": .info, "information": .info, "notice": .info, "config": .info, "warn": .warn, "warning": .warn,
        "error": .error, "err": .error, "severe": .error, "fatal": .fatal, "crit": .fatal, "critical": .fatal,
        "alert": .fatal, "emerg": .fatal, "emergency": .fatal, "panic": .fatal,
    ]
}
