import HubCore

/// Storage quotas: an administrator caps the bytes a user's or an organization's repositories
/// hold together. A write is charged to the namespace of the repository it lands in, whoever
/// sends it (a stranger's pull request fills its target's namespace, as on the public hub), and
/// refused before its bytes are taken when it would pass the quota. Writes that run at the same
/// moment are each checked against what is stored when they start, so together they can pass
/// the quota by what they carry; the next write is refused.
extension RepoService {
    /// What `namespace`'s repositories hold, and its quota.
    public func storageUsage(of namespace: HubName) async throws -> StorageUsage {
        let quota = try await quotas.storageQuota(of: namespace)
        return StorageUsage(namespace: namespace, usedBytes: try await usedBytes(of: namespace), quota: quota)
    }

    /// Sets or (nil) removes the quota of the user or organization `namespace`.
    public func setStorageQuota(_ bytes: Int64?, of namespace: HubName) async throws {
        if let bytes, bytes < 0 { throw HubError.badRequest("A storage quota cannot be negative") }
        guard try await quotas.setStorageQuota(bytes, of: namespace) else {
            throw HubError.badRequest("No user or organization is called '\(namespace)'")
        }
    }

    /// Every namespace with a quota, with what it holds.
    public func storageUsages() async throws -> [StorageUsage] {
        var usages: [StorageUsage] = []
        for (namespace, quota) in try await quotas.storageQuotas() {
            usages.append(StorageUsage(namespace: namespace, usedBytes: try await usedBytes(of: namespace), quota: quota))
        }
        return usages
    }

    /// `admitStorage` for the repository with index row `rowID` (all the push hook knows), the
    /// bytes worked out only when its namespace has a quota.
    public func admitStorage(toRepoRowID rowID: Int64, adding bytes: () async throws -> Int64) async throws {
        guard let repo = try await store.find(rowID: rowID) else { return }
        try await admitStorage(toNamespace: repo.id.namespace, adding: bytes)
    }

    /// Refuses (403, as the public hub refuses a write past a storage plan) a write that would
    /// bring `namespace` past its quota by storing `bytes` more; the bytes are worked out only
    /// when it has a quota (a hub without quotas pays one indexed read per write). A write that
    /// adds nothing (a branch deleted, an object the repository already holds) always passes.
    func admitStorage(toNamespace namespace: HubName, adding bytes: () async throws -> Int64) async throws {
        guard let quota = try await quotas.storageQuota(of: namespace) else { return }
        let adding = try await bytes()
        guard adding > 0 else { return }
        let used = try await usedBytes(of: namespace)
        guard used > quota - adding else { return }
        throw HubError.forbidden(
            "Storage quota reached: the repositories of '\(namespace)' hold \(ByteSize.describe(used)) of its "
                + "\(ByteSize.describe(quota)) quota, and this change needs \(ByteSize.describe(adding)) more. "
                + "Free space (permanently_delete_lfs_files, or delete repositories) or ask an administrator for a larger quota")
    }

    private func usedBytes(of namespace: HubName) async throws -> Int64 {
        try await store.repositories(inNamespace: namespace).reduce(0) { $0 + usedStorage(of: $1) }
    }
}
