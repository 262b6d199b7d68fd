import LogModel
import Testing

/// Hex text of bytes, both ways.
@Suite("Hex")
struct HexTests {
    @Test("bytes become two lowercase digits each and come back from either case")
    func roundTrip() {
        let bytes: [UInt8] = [0x00, 0x01, 0x7F, 0x80, 0xAB, 0xFF]
        #expect(Hex.encode(bytes) == "00017f80abff")
        #expect(Hex.decode("00017f80abff") == bytes)
        #expect(Hex.decode("00017F80ABFF") == bytes)
        #expect(Hex.encode([]) == "" && Hex.decode("") == [])
    }

    @Test(
        "an odd count of digits or a character that is not one is refused", arguments: ["0", "abc", "0g", " 00", "é0"])
    func invalid(text: String) {
        #expect(Hex.decode(text) == nil)
    }
}
