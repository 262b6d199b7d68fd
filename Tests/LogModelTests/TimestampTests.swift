import Foundation
import LogModel
import Testing

@Suite("Timestamp")
struct TimestampTests {
    @Test(
        "RFC 3339 forms parse to the same instant",
        arguments: [
            "2026-11-28T10:15:30Z", "2026-11-28T10:15:30.000Z", "2026-11-28t10:15:30z", "2026-11-28 10:15:30Z",
            "2026-11-28T11:15:30+01:00", "2026-11-28T05:15:30-0500", "2026-11-28T10:15:30",
        ])
    func init_rfc3339_parses(text: String) throws {
        let parsed = try #require(Timestamp(rfc3339: text))
        #expect(parsed.rfc3339 == "2026-11-28T10:15:30.000000Z")
    }

    @Test("fractions keep microseconds and drop finer digits")
    func init_rfc3339_fractions() {
        #expect(Timestamp(rfc3339: "2026-11-28T10:15:30.1Z")?.rfc3339 == "2026-11-28T10:15:30.100000Z")
        #expect(Timestamp(rfc3339: "2026-11-28T10:15:30.123456789Z")?.rfc3339 == "2026-11-28T10:15:30.123456Z")
    }

    @Test(
        "invalid dates are nil",
        arguments: [
            "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z", "2026-11-28", "2026-11-28T25:00:00Z", "yesterday",
            "2026-11-28T10:15:30Zjunk", "2026-11-28T10:15:30.Z",
        ])
    func init_invalid_isNil(text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }

    @Test("leap days and dates before 1970 round-trip")
    func rfc3339_roundTrips() {
        for text in ["2024-02-29T23:59:59.999999Z", "1969-12-31T23:59:59.500000Z", "2000-01-01T00:00:00.000000Z"] {
            #expect(Timestamp(rfc3339: text)?.rfc3339 == text)
        }
    }

    @Test("RFC 3339 text of random instants from 1600 to 9999 is the date Foundation's Gregorian calendar gives")
    func rfc3339_matchesFoundationCalendar() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<1_000 {
            let microseconds = Int64.random(in: -11_676_096_000_000_000...253_402_300_799_999_999, using: &generator)
            let seconds = microseconds >= 0 ? microseconds / 1_000_000 : (microseconds - 999_999) / 1_000_000
            let parts = calendar.dateComponents(
                [.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: Double(seconds)))
            let expected = String(
                format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", parts.year!, parts.month!, parts.day!, parts.hour!,
                parts.minute!, parts.second!, Int(microseconds - seconds * 1_000_000))
            #expect(Timestamp(microseconds: microseconds).rfc3339 == expected)
        }
    }

    @Test("epoch numbers are read by magnitude")
    func init_epoch_byMagnitude() {
        let expected = "2025-11-28T10:00:00.000000Z"
        #expect(Timestamp(epoch: Int64(1_764_324_000))?.rfc3339 == expected)
        #expect(Timestamp(epoch: Int64(1_764_324_000_000))?.rfc3339 == expected)
        #expect(Timestamp(epoch: Int64(1_764_324_000_000_000))?.rfc3339 == expected)
        #expect(Timestamp(epoch: Int64(1_764_324_000_000_000_000))?.rfc3339 == expected)
        #expect(Timestamp(epoch: 1_764_324_000.25)?.rfc3339 == "2025-11-28T10:00:00.250000Z")
        #expect(Timestamp(epoch: Int64(-1)) == nil)
        #expect(Timestamp(epoch: Double.nan) == nil)
    }
}
