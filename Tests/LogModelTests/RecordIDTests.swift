import LogModel
import Testing

@Suite("RecordID")
struct RecordIDTests {
    /// Hands out fixed numbers, so the ID's every byte is known.
    struct FixedGenerator: RandomNumberGenerator {
        var values: [UInt64] = [0x0123_4567_89AB_CDEF, 0xFEDC_BA98_7654_3210]

        mutating func next() -> UInt64 { values.removeFirst() }
    }

    @Test("a UUIDv7: the millisecond time first, then version 7, the variant, and the random bits")
    func make_fixedInputs_knownText() {
        var generator = FixedGenerator()
        let id = RecordID.make(at: Timestamp(microseconds: 1_795_000_000_000_123), using: &generator)
        #expect(id == "01a1ee56-5e00-7301-afcd-ab896745dcfe")
        #expect(RecordID.isWellFormed(id))
    }

    @Test("IDs made later sort later")
    func make_laterTime_sortsLater() {
        let earlier = RecordID.make(at: Timestamp(microseconds: 1_795_000_000_000_000))
        let later = RecordID.make(at: Timestamp(microseconds: 1_795_000_000_001_000))
        #expect(earlier < later)
    }
}
