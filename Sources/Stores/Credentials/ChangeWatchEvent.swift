/// What watching a kind of change reports (see ``CredentialStore/watchChanges(_:)``).
public enum ChangeWatchEvent: Sendable, Hashable {
    /// Changes are heard from now on: whatever was learnt before may be stale.
    case listening
    /// A change was committed, by this process or another.
    case changed
}
