import HubCore

/// What a user's or an organization's repositories hold together, and the most they may.
public struct StorageUsage: Sendable, Equatable {
    public let namespace: HubName
    /// The sum of `usedStorage` over the namespace's repositories (private ones included): each
    /// LFS or Xet object counts once for every repository that binds it, plus each repository's
    /// git objects.
    public let usedBytes: Int64
    /// Nil: no limit.
    public let quota: Int64?

    public init(namespace: HubName, usedBytes: Int64, quota: Int64?) {
        self.namespace = namespace
        self.usedBytes = usedBytes
        self.quota = quota
    }
}
