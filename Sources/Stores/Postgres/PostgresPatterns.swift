extension PostgresLogStore: SQLPatternStore {
    var patterns: SQLLogPatterns<PostgresDialect> {
        SQLLogPatterns(write: { try await execute($0, $1) }, read: { try await execute($0, $1) })
    }
}
