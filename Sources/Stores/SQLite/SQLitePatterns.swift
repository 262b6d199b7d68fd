extension SQLiteLogStore: SQLPatternStore {
    var patterns: SQLLogPatterns<SQLiteDialect> {
        SQLLogPatterns(write: { try await execute($0, $1) }, read: { try await readerRows($0, $1) })
    }
}
