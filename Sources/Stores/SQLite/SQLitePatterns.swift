public import LogModel

extension SQLiteLogStore: PatternStore {
    private var patterns: SQLLogPatterns<SQLiteDialect> {
        SQLLogPatterns(write: { try await execute($0, $1) }, read: { try await readerRows($0, $1) })
    }

    /// Adds templates and merges (see ``PatternStore``).
    public func recordPatterns(tenant: String, templates: [PatternTemplate], merges: [PatternMerge]) async throws {
        try await patterns.record(tenant: tenant, templates: templates, merges: merges)
    }

    /// The tenant's templates that no merge replaced.
    public func currentPatterns(tenant: String) async throws -> [PatternTemplate] {
        try await patterns.current(tenant: tenant)
    }

    /// The patterns of the matching records, with their counts in the range.
    public func patternSummaries(_ request: PatternListRequest) async throws -> [PatternSummary] {
        try await patterns.summaries(request)
    }

    /// One pattern's summary over the range.
    public func patternSummary(id: PatternID, _ request: PatternListRequest) async throws -> PatternSummary? {
        try await patterns.summaries(request, only: id).first
    }
}
