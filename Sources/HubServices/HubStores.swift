import HubIndex
import HubStorage

/// What the hub keeps outside git, as the services see it: an index (accounts, organizations,
/// repositories, LFS bindings, discussions, counters) and a blob store for LFS objects. The
/// composition root picks the implementations (SQLite and a local folder by default); the
/// services know these protocols only.
public struct HubStores: Sendable {
    public var accounts: any AccountStore
    public var orgs: any OrgStore
    public var repos: any RepoStore
    public var lfs: any LFSStore
    public var discussions: any DiscussionStore
    public var counters: any CounterStore
    public var blobs: any BlobStore
    /// Releases what the stores hold open (a database's connections).
    public var close: @Sendable () throws -> Void

    public init(
        accounts: any AccountStore, orgs: any OrgStore, repos: any RepoStore, lfs: any LFSStore,
        discussions: any DiscussionStore, counters: any CounterStore, blobs: any BlobStore,
        close: @escaping @Sendable () throws -> Void
    ) {
        self.accounts = accounts
        self.orgs = orgs
        self.repos = repos
        self.lfs = lfs
        self.discussions = discussions
        self.counters = counters
        self.blobs = blobs
        self.close = close
    }
}
