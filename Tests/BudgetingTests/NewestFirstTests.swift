import Budgeting
import LogModel
import Stores
import Testing

/// The newest-first reader against reads that run out of budget, as a store's statement does, when
/// their range is longer than five days: deterministic, whatever the machine's speed.
@Suite("Newest-first budgeted reads")
struct NewestFirstTests {
    private static let end = Timestamp(microseconds: 1_800_000_000_000_000)
    private static let day: Int64 = 86_400_000_000
    private static let thirtyDaysBack = end.adding(microseconds: -30 * day)

    /// The bounds read, or a budget stop for a range longer than five days.
    private static func read(_ start: Timestamp?, _ end: Timestamp) throws -> [Int64] {
        let from = start ?? thirtyDaysBack
        guard end.microseconds - from.microseconds <= 5 * day else {
            throw StoreError(.budgetExhausted, "ran out")
        }
        return [from.microseconds, end.microseconds]
    }

    @Test("a read that fits is one read of the whole range")
    func fittingRead_isWhole() async throws {
        let start = Self.end.adding(microseconds: -Self.day)
        let answer = try await NewestFirst().slices(
            of: start, end: Self.end, budget: QueryBudget(.seconds(60)), oldest: { nil }, empty: [[Int64]](),
            read: { [try Self.read($0, $1)] }, merge: { $0 += $1 })
        #expect(answer.covered == nil)
        #expect(answer.value == [[start.microseconds, Self.end.microseconds]])
    }

    @Test(
        "a read too long for the budget covers contiguous newest slices, each twice the last, and says where it stopped"
    )
    func slowRead_coversNewestSlices() async throws {
        let answer = try await NewestFirst().slices(
            of: Self.thirtyDaysBack, end: Self.end, budget: QueryBudget(.seconds(60)), oldest: { nil },
            empty: [[Int64]](), read: { [try Self.read($0, $1)] }, merge: { $0 += $1 })
        let covered = try #require(answer.covered)
        let slices = answer.value
        let first = 30 * Self.day / 64
        #expect(slices.map { $0[1] - $0[0] } == [first, 2 * first, 4 * first, 8 * first])
        #expect(slices.first?.last == Self.end.microseconds)
        #expect(slices.last?.first == covered.start.microseconds)
        #expect(covered.end == Self.end)
        for (newer, older) in zip(slices, slices.dropFirst()) { #expect(older[1] == newer[0]) }
    }

    @Test("with no time left the first slice still runs with time of its own, so a continuing client gets further")
    func exhaustedBudget_stillReadsFirstSlice() async throws {
        let answer = try await NewestFirst().slices(
            of: Self.thirtyDaysBack, end: Self.end, budget: QueryBudget(.microseconds(1)), oldest: { nil },
            empty: [Duration](),
            read: { start, end in
                _ = try Self.read(start, end)
                return [try #require(QueryBudget.current).remaining]
            },
            merge: { $0 += $1 })
        #expect(answer.value.first ?? .zero > .milliseconds(50))
        #expect(try #require(answer.covered).start < Self.end)
    }

    @Test("growing windows all end at the range's end; the answer is the longest read in time")
    func windows_keepLongestRead() async throws {
        let answer = try await NewestFirst().windows(
            of: nil, end: Self.end, budget: QueryBudget(.seconds(60)), oldest: { Self.thirtyDaysBack },
            read: { try Self.read($0, $1) })
        let covered = try #require(answer.covered)
        #expect(answer.value == [covered.start.microseconds, Self.end.microseconds])
        #expect(Self.end.microseconds - covered.start.microseconds == 8 * (30 * Self.day / 64))
    }

    @Test("slices stop early once the answer is complete")
    func enough_stopsEarly() async throws {
        var reads = 0
        let answer = try await NewestFirst().slices(
            of: nil, end: Self.end, budget: QueryBudget(.seconds(60)), oldest: { Self.thirtyDaysBack }, empty: 0,
            read: { start, end in
                reads += 1
                return try Self.read(start, end).count
            },
            merge: { $0 += $1 }, isEnough: { $0 >= 4 })
        #expect(answer.covered == nil)
        #expect(answer.value == 4)
        #expect(reads == 3)
    }
}
