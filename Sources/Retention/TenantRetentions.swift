import Access
public import LogModel
public import Stores

/// How many days each tenant's records are kept: the tenant's own setting, or the service's default.
///
/// Ingest asks on every request, so the settings are read from the credential store at most once per
/// ``refreshInterval`` (concurrent askers share one read); a change made through this process is seen
/// at once, one made through another replica within the interval. While the store cannot be read the
/// last settings read stay in force.
public actor TenantRetentions {
    /// The days of a tenant without a setting of its own (`LOGSMITH_RETENTION_DAYS`).
    public nonisolated let defaultDays: Int
    /// How long settings read are trusted.
    public let refreshInterval: Duration
    private let credentials: any CredentialStore
    private let implicitTenant: String
    private let clock = ContinuousClock()
    private var days: [String: Int] = [:]
    private var readAt: ContinuousClock.Instant?
    private var reading: Task<[String: Int], any Error>?

    /// Creates the settings, read from `credentials` when first needed. `implicitTenant` has records
    /// whether or not the store lists it (the tenant of every record when authentication is off).
    public init(
        credentials: any CredentialStore, defaultDays: Int, implicitTenant: String,
        refreshInterval: Duration = .seconds(30)
    ) {
        self.credentials = credentials
        self.implicitTenant = implicitTenant
        self.defaultDays = defaultDays
        self.refreshInterval = refreshInterval
    }

    /// The days the tenant's records are kept.
    public func days(for tenant: String) async -> Int {
        if readAt.map({ clock.now - $0 >= refreshInterval }) ?? true {
            _ = try? await refresh()
        }
        return days[tenant] ?? defaultDays
    }

    /// The timestamps ingest accepts for the tenant: its retention back, `aheadSeconds` forward.
    public func window(for tenant: String, aheadSeconds: Int) async -> TimestampWindow {
        TimestampWindow(retentionDays: await days(for: tenant), aheadSeconds: aheadSeconds)
    }

    /// Every known tenant's days, read now from the store, and the implicit tenant's.
    public func current() async throws -> [String: Int] {
        try await refresh()
    }

    /// Takes a setting changed through this process into account at once.
    public func changed(tenant: String, days newDays: Int?) {
        days[tenant] = newDays ?? defaultDays
    }

    private func refresh() async throws -> [String: Int] {
        if let reading { return try await reading.value }
        let task = Task { [credentials, defaultDays, implicitTenant] in
            var days = Dictionary(
                try await credentials.tenants().map { ($0.name, $0.retentionDays ?? defaultDays) },
                uniquingKeysWith: { first, _ in first })
            days[implicitTenant] = days[implicitTenant] ?? defaultDays
            return days
        }
        reading = task
        defer { reading = nil }
        let read = try await task.value
        days = read
        readAt = clock.now
        return read
    }
}
