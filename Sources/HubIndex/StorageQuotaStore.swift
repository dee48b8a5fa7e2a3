import HubCore

/// The storage quotas of namespaces: the most bytes a user's or an organization's repositories
/// may hold together. Kept on the user's or organization's own row, so a quota goes with the
/// account and never passes to a later account of the same name.
public protocol StorageQuotaStore: Sendable {
    /// The quota of the user or organization named `namespace`; nil when it has none, or when no
    /// account has that name.
    func storageQuota(of namespace: HubName) async throws -> Int64?
    /// Sets the quota (nil removes it). False when no user or organization has that name.
    func setStorageQuota(_ bytes: Int64?, of namespace: HubName) async throws -> Bool
    /// Every user and organization that has a quota, by name.
    func storageQuotas() async throws -> [(namespace: HubName, bytes: Int64)]
}
