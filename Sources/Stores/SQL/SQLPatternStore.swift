import LogModel

/// A store whose ``PatternStore`` operations are ``SQLLogPatterns`` over its own connections.
protocol SQLPatternStore: PatternStore {
    associatedtype PatternDialect: SQLDialect
    /// The shared SQL, with the store's runners for writes and for reads.
    var patterns: SQLLogPatterns<PatternDialect> { get }
}

extension SQLPatternStore {
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
