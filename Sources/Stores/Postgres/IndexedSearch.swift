import LogModel

/// How a PostgreSQL search with a condition that a GIN index serves (text in the message, through the
/// word index; an attribute's value or presence, through the attributes index) finds its page: by
/// reading the newest rows of the range in time order, or through the index.
///
/// Reading in time order costs 1-3 µs per row and stops at the page's last match, so it suits
/// conditions common enough. The index costs about 13 µs per candidate (for text, a row holding its
/// words, ``MessageWords``), so it is fast for rare text and values, and slow for text whose words
/// are common each but rare together. Nothing tells which in advance, and the planner's
/// estimates from a sample of rows miss both ways (a user ID seen by chance in the sample walks millions
/// of rows in time order). So a search reads the newest ``firstRows`` rows first, estimates from the
/// matches there how many more rows it would read to fill the page, and only then chooses
/// (``next(after:)``).
///
/// A lookup through an index covers its range one slice of time at a time, newest first
/// (``sliceStarts(below:from:)``), and stops once the page is full: a GIN bitmap has no time order, so one
/// lookup over the whole range would read every candidate of every day to return the newest hundred.
/// With the table partitioned by day, a slice reads only its days' indexes.
public struct IndexedSearch: Sendable, Equatable {
    /// Rows read first, newest first.
    public var firstRows: Int
    /// A further read of up to this many rows goes ahead without trying the index first.
    public var shortRead: Int
    /// Rows read in time order in all, after which the rest goes through the index whatever it costs.
    public var readBudget: Int
    /// About how long reading one row takes; an index trial gets as long as the read it would save.
    public var rowReadTime: Duration
    /// The shortest and longest index trial.
    public var trialBounds: ClosedRange<Duration>
    /// The stretch of time an index lookup covers first, aligned to whole multiples of it from the epoch:
    /// by default a day, a partition's.
    public var sliceLength: Duration
    /// How many slices follow the first, each twice as long as the one before (the first of them one
    /// slice length), before one more covers every older row.
    public var doublings: Int

    /// A strategy with the given bounds.
    public init(
        firstRows: Int, shortRead: Int, readBudget: Int, rowReadTime: Duration, trialBounds: ClosedRange<Duration>,
        sliceLength: Duration = .seconds(86_400), doublings: Int = 5
    ) {
        self.firstRows = firstRows
        self.shortRead = shortRead
        self.readBudget = readBudget
        self.rowReadTime = rowReadTime
        self.trialBounds = trialBounds
        self.sliceLength = sliceLength
        self.doublings = doublings
    }

    /// The bounds measured on the benchmark machine at 10M rows (`bench/README.md`): reading takes 1-3 µs
    /// a row, the index 10-80 ms for rare text and values, and up to tens of seconds for text of common
    /// trigrams, which is why a read of up to 4M rows (about 6 s) is preferred to an index that ran out
    /// of its trial.
    public static let `default` = IndexedSearch(
        firstRows: 20_000, shortRead: 100_000, readBudget: 4_000_000, rowReadTime: .nanoseconds(1_200),
        trialBounds: .milliseconds(25) ... .seconds(1))

    /// Where the slices of an index lookup for rows before `position` and from `start` on begin, newest
    /// first; each slice reaches from its beginning up to the beginning of the one before it, the first
    /// up to `position`. The first is the slice length `position` falls in; ``doublings`` slices follow,
    /// each twice as long as the one before; nil, the last, stands for every older row. They stop at
    /// the first that reaches back to `start`. Together they cover all of time once, so the lookup
    /// finds every row of its range in exactly one of them. `partitionStart` moves a beginning back to
    /// the start of a partition longer than a slice that holds it (identity elsewhere): such a
    /// partition's index serves its whole length in each lookup, so it is looked up once.
    func sliceStarts(
        below position: Timestamp, from start: Timestamp?, partitionStart: (Timestamp) -> Timestamp = { $0 }
    ) -> [Timestamp?] {
        let unit = Int64(sliceLength / .microseconds(1))
        var starts = [partitionStart(position.floored(toMultipleOf: unit))]
        var length = unit
        for _ in 0..<doublings {
            if let start, start >= starts.last! { return starts }
            starts.append(partitionStart(starts.last!.adding(microseconds: -length)))
            length *= 2
        }
        if let start, start >= starts.last! { return starts }
        return starts + [nil]
    }

    /// What a search has done so far.
    struct Progress: Equatable {
        /// Rows read in time order.
        var read: Int
        /// Matches found among them.
        var matched: Int
        /// Matches the page needs from reading: in all, less those an index trial found before it ran out.
        var wanted: Int
        /// Whether the index was tried and ran out of time.
        var indexTried: Bool
    }

    /// The next step of a search.
    enum Step: Equatable {
        /// Read this many more of the newest rows in time order.
        case read(rows: Int)
        /// Look the rest up through the index, giving up after the given time.
        case tryIndex(within: Duration)
        /// Look the rest up through the index, however long it takes.
        case index
    }

    /// The next step of a search whose page is not full yet. With no match among the rows read, the
    /// condition holds for fewer than one in that many rows, so it is the index's. Otherwise the
    /// matches so far tell how many more rows the page needs: a short read goes ahead; a longer one is
    /// raced, first giving the index as long as the read would take, then reading if the index ran out
    /// of time. So a search costs at most about twice the cheaper way, as long as the read stays within
    /// the budget.
    func next(after progress: Progress) -> Step {
        guard progress.matched > 0, progress.read < readBudget else { return .index }
        let perMatch = Double(progress.read) / Double(progress.matched)
        let expected = Int((Double(progress.wanted - progress.matched) * perMatch * 1.25).rounded(.up))
        let allowed = readBudget - progress.read
        if expected <= shortRead { return .read(rows: min(expected, allowed)) }
        if !progress.indexTried {
            let readTime = rowReadTime * min(expected, allowed)
            return .tryIndex(within: min(max(readTime, trialBounds.lowerBound), trialBounds.upperBound))
        }
        return expected <= allowed ? .read(rows: expected) : .index
    }
}
