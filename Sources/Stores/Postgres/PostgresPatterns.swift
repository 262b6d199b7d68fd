extension PostgresLogStore: SQLPatternStore {
    var patterns: SQLLogPatterns<PostgresDialect> {
        let records = SQLLogPatterns<PostgresDialect>(
            write: { try await execute($0, $1) }, read: { try await execute($0, $1) })
        var patterns = records
        patterns.counts = { search, grid, only in
            try await PostgresPatternCounts.counts(
                search, grid, only: only, store: self, records: records.recordCounts)
        }
        return patterns
    }
}
