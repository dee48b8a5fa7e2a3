import HubCore

/// Which LFS objects exist, which repositories they are bound to, and the repositories' file locks.
public protocol LFSStore: Sendable {
    /// Records a stored object and binds it to `repoRowID`, in one transaction.
    func bind(_ oid: LFSObjectID, size: Int64, toRepo repoRowID: Int64) async throws
    /// The subset of `oids` bound to the repository, with their recorded sizes.
    func boundObjects(_ oids: [LFSObjectID], repo repoRowID: Int64) async throws -> [LFSObjectID: Int64]
    /// The repositories an object is bound to.
    func repos(containing oid: LFSObjectID) async throws -> [RepoInfo]

    /// Creates a lock; throws `conflict` (with the holder) when the path is already locked.
    func createLock(path: String, refName: String?, ownerID: Int64, repo repoRowID: Int64) async throws -> LFSLock
    func lock(id: Int64, repo repoRowID: Int64) async throws -> LFSLock?
    func lock(path: String, repo repoRowID: Int64) async throws -> LFSLock?
    /// Locks ordered by id, starting after `afterID`, at most `limit`.
    func locks(repo repoRowID: Int64, afterID: Int64, limit: Int) async throws -> [LFSLock]
    func deleteLock(id: Int64, repo repoRowID: Int64) async throws
}
