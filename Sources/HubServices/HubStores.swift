import HubCore
import HubIndex
import HubStorage

/// What the hub keeps outside git, as the services see it: an index (accounts, organizations,
/// repositories, LFS bindings, Xet files, discussions, counters), a blob store for LFS objects and
/// a store for Xet's xorbs. The
/// composition root picks the implementations (SQLite and a local folder by default); the
/// services know these protocols only.
public struct HubStores: Sendable {
    public var accounts: any AccountStore
    public var orgs: any OrgStore
    public var repos: any RepoStore
    /// The storage quotas of users and organizations.
    public var storageQuotas: any StorageQuotaStore
    /// Who asked for, and who was given, access to gated repositories.
    public var accessRequests: any AccessRequestStore
    public var lfs: any LFSStore
    public var discussions: any DiscussionStore
    public var counters: any CounterStore
    public var blobs: any BlobStore
    /// Files uploaded through Xet, and the xorbs that hold their bytes.
    public var xetFiles: any XetFileStore
    public var xorbs: any XorbStore
    /// This hub's own folder for writes in flight, which the local stores write through.
    public var scratch: ScratchArea
    /// The hub this one mirrors repositories from, if any.
    public var upstream: MirrorUpstream?
    /// Webhooks and their queued deliveries.
    public var webhooks: any WebhookStore
    /// Where webhooks may go and how they are sent.
    public var webhookSettings = WebhookSettings()
    /// Releases what the stores hold open (a database's connections).
    public var close: @Sendable () throws -> Void

    public init(
        accounts: any AccountStore, orgs: any OrgStore, repos: any RepoStore, storageQuotas: any StorageQuotaStore,
        accessRequests: any AccessRequestStore, webhooks: any WebhookStore,
        lfs: any LFSStore,
        discussions: any DiscussionStore, counters: any CounterStore, blobs: any BlobStore,
        xetFiles: any XetFileStore, xorbs: any XorbStore, scratch: ScratchArea,
        close: @escaping @Sendable () throws -> Void
    ) {
        self.accounts = accounts
        self.orgs = orgs
        self.repos = repos
        self.storageQuotas = storageQuotas
        self.accessRequests = accessRequests
        self.webhooks = webhooks
        self.lfs = lfs
        self.discussions = discussions
        self.counters = counters
        self.blobs = blobs
        self.xetFiles = xetFiles
        self.xorbs = xorbs
        self.scratch = scratch
        self.close = close
    }

    /// Runs `release` too when the stores close, after what they released before.
    public mutating func alsoClose(_ release: @escaping @Sendable () throws -> Void) {
        let previous = close
        close = {
            try previous()
            try release()
        }
    }
}
