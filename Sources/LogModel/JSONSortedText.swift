extension JSONParser {
    /// The JSON text of the value that fills `bytes`, byte for byte what ``JSONOutput`` writes, with
    /// `sortingKeys` set, for the value the parser reads from it: no whitespace, every
    /// object's members in the order of their keys, a repeated key (as Swift compares strings) once
    /// with its last value, every string and number as the writer writes what the parser read. For
    /// stored JSON that is written out again, without building a ``JSONValue``.
    public static func sortedText(_ bytes: UnsafeRawBufferPointer) throws(SyntaxError) -> [UInt8] {
        var output = JSONOutput(capacity: bytes.count)
        try JSONReader.whole(bytes) { reader throws(SyntaxError) in try reader.sortedValue(depth: 0, into: &output) }
        return output.bytes
    }
}

extension JSONReader {
    /// Writes the value at `index` as ``JSONParser/sortedText(_:)`` describes.
    mutating func sortedValue(depth: Int, into output: inout JSONOutput) throws(JSONParser.SyntaxError) {
        guard index < bytes.count else { throw error("unexpected end of input, expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "\""): try copyString(into: &output)
        case UInt8(ascii: "{"): try sortedObject(depth: depth + 1, into: &output)
        case UInt8(ascii: "["): try sortedArray(depth: depth + 1, into: &output)
        default: output.value(try value(depth: depth), sortingKeys: true)
        }
    }

    /// A string without escapes is copied as it stands: the writer escapes only quotes, backslashes
    /// and control characters, none of which such a string can hold. Others are decoded and written.
    private mutating func copyString(into output: inout JSONOutput) throws(JSONParser.SyntaxError) {
        let start = index
        if plainString() {
            output.rawBytes(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        } else {
            output.string(try string())
        }
    }

    private mutating func sortedObject(depth: Int, into output: inout JSONOutput) throws(JSONParser.SyntaxError) {
        if try open(depth: depth, closing: UInt8(ascii: "}")) {
            output.raw("{}")
            return
        }
        var members: [SortedMember] = []
        members.reserveCapacity(8)
        var values = JSONOutput(capacity: bytes.count - index)
        repeat {
            try expectKey()
            let keyStart = index + 1
            let decodedKey = plainString() ? nil : try string()
            let key = decodedKey == nil ? keyStart..<index - 1 : keyStart..<keyStart
            try stepOverColon()
            let start = values.bytes.count
            try sortedValue(depth: depth, into: &values)
            members.append(SortedMember(key: key, decodedKey: decodedKey, value: start..<values.bytes.count))
        } while try another(closing: UInt8(ascii: "}"))
        // Equal keys sort by position (their values' offsets), so each run of them ends with the last value.
        members.sort { first, second in
            let order = compareKeys(first, second)
            return order != 0 ? order < 0 : first.value.lowerBound < second.value.lowerBound
        }
        output.raw("{")
        var position = 0
        while position < members.count {
            var last = position
            while last + 1 < members.count && compareKeys(members[last + 1], members[position]) == 0 {
                last += 1
            }
            if position > 0 { output.raw(",") }
            let member = members[position]
            if let decodedKey = member.decodedKey {
                output.string(decodedKey)
            } else {
                output.rawBytes(
                    UnsafeBufferPointer(rebasing: bytes[member.key.lowerBound - 1..<member.key.upperBound + 1]))
            }
            output.raw(":")
            output.rawBytes(values.bytes[members[last].value])
            position = last + 1
        }
        output.raw("}")
    }

    /// Steps over the string at `index` and returns true when it is ASCII without escapes (its text,
    /// quotes included, is then what the writer writes for it); otherwise leaves `index` where it was.
    private mutating func plainString() -> Bool {
        var end = index + 1
        var bitsSeen: UInt8 = 0
        while end < bytes.count && bytes[end] != UInt8(ascii: "\"") && bytes[end] != UInt8(ascii: "\\")
            && bytes[end] >= 0x20
        {
            bitsSeen |= bytes[end]
            end += 1
        }
        guard end < bytes.count, bytes[end] == UInt8(ascii: "\""), bitsSeen < 0x80 else { return false }
        index = end + 1
        return true
    }

    /// Negative, zero or positive as the first key orders before, with or after the second, as Swift
    /// orders strings; for two plain ASCII keys that is the order of their bytes.
    private func compareKeys(_ first: SortedMember, _ second: SortedMember) -> Int {
        guard first.decodedKey != nil || second.decodedKey != nil else {
            let (left, right) = (bytes[first.key], bytes[second.key])
            for (leftByte, rightByte) in zip(left, right) where leftByte != rightByte {
                return leftByte < rightByte ? -1 : 1
            }
            return left.count - right.count
        }
        let (left, right) = (keyText(first), keyText(second))
        return left == right ? 0 : left < right ? -1 : 1
    }

    private func keyText(_ member: SortedMember) -> String {
        member.decodedKey
            ?? String(decoding: UnsafeBufferPointer(rebasing: bytes[member.key]), as: UTF8.self)
    }

    private mutating func sortedArray(depth: Int, into output: inout JSONOutput) throws(JSONParser.SyntaxError) {
        output.raw("[")
        if try !open(depth: depth, closing: UInt8(ascii: "]")) {
            var first = true
            repeat {
                if !first { output.raw(",") }
                first = false
                try sortedValue(depth: depth, into: &output)
            } while try another(closing: UInt8(ascii: "]"))
        }
        output.raw("]")
    }
}

/// An object member that ``JSONParser/sortedText(_:)`` has read: where its key's text is (between
/// the quotes), the key decoded unless that text is plain ASCII, and where its value's sorted text is.
private struct SortedMember {
    var key: Range<Int>
    var decodedKey: String?
    var value: Range<Int>
}
