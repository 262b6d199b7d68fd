extension SQLiteLogStore: AttributeKeyStore {
    /// Admits on the writer connection; the process's one caller runs admissions one at a time.
    public func admitAttributeKeys(
        tenant: String, day: Int, keysPerRecord: [Set<String>], limit: Int
    ) async throws -> AttributeKeyAdmission {
        try await SQLAttributeKeys<SQLiteDialect>.admit(
            tenant: tenant, day: day, keysPerRecord: keysPerRecord, limit: limit, run: execute)
    }
}
