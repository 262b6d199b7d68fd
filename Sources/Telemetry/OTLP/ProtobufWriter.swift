/// Writes protocol buffers wire format by hand: varints, fixed-width numbers and length-delimited
/// fields, each preceded by its field number and wire type.
///
/// Proto3 leaves out scalar fields that hold their default value; callers decide, field by field,
/// whether to write (fields of a `oneof` are written even when zero).
struct ProtobufWriter {
    private enum WireType: UInt64 {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case fixed32 = 5
    }

    /// The bytes written so far.
    private(set) var bytes: [UInt8] = []

    /// A varint field (uint32, uint64, enum).
    mutating func varint(_ field: Int, _ value: UInt64) {
        tag(field, .varint)
        writeVarint(value)
    }

    /// An int64 field: two's complement in a varint, so negative numbers take ten bytes.
    mutating func int64(_ field: Int, _ value: Int64) {
        varint(field, UInt64(bitPattern: value))
    }

    /// A bool field.
    mutating func bool(_ field: Int, _ value: Bool) {
        varint(field, value ? 1 : 0)
    }

    /// A fixed64 field, little-endian.
    mutating func fixed64(_ field: Int, _ value: UInt64) {
        tag(field, .fixed64)
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    /// A fixed32 field, little-endian.
    mutating func fixed32(_ field: Int, _ value: UInt32) {
        tag(field, .fixed32)
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    /// A double field: its IEEE 754 bits as fixed64.
    mutating func double(_ field: Int, _ value: Double) {
        fixed64(field, value.bitPattern)
    }

    /// A bytes field.
    mutating func bytes(_ field: Int, _ value: some Collection<UInt8>) {
        tag(field, .lengthDelimited)
        writeVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// A string field, as UTF-8.
    mutating func string(_ field: Int, _ value: String) {
        bytes(field, value.utf8)
    }

    /// An embedded message field, whose body `build` writes.
    mutating func message(_ field: Int, _ build: (inout ProtobufWriter) -> Void) {
        var nested = ProtobufWriter()
        build(&nested)
        bytes(field, nested.bytes)
    }

    private mutating func tag(_ field: Int, _ type: WireType) {
        writeVarint(UInt64(field) << 3 | type.rawValue)
    }

    private mutating func writeVarint(_ value: UInt64) {
        var remaining = value
        while remaining >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: remaining) | 0x80)
            remaining >>= 7
        }
        bytes.append(UInt8(remaining))
    }
}
