import Foundation
import HubCore

/// Which LFS objects exist, which repositories they are bound to, and the repositories' file locks.
public protocol LFSStore: Sendable {
    /// Records a stored object and binds it to `repoRowID`, in one transaction.
    func bind(_ oid: LFSObjectID, size: Int64, toRepo repoRowID: Int64) async throws
    /// The subset of `oids` bound to the repository, with their recorded sizes.
    func boundObjects(_ oids: [LFSObjectID], repo repoRowID: Int64) async throws -> [LFSObjectID: Int64]
    /// Every object bound to the repository, with its size and when it was bound.
    func boundObjects(repo repoRowID: Int64) async throws -> [BoundLFSObject]
    /// Unbinds `oids` from the repository, in one transaction. Returns the objects no repository
    /// is bound to any more: their rows are gone, and their bytes may be deleted. `onPurpose`:
    /// the repository's writers deleted them (`permanently_delete_lfs_files`), which is recorded
    /// until they are bound again, so that commits still pointing to them are not taken for
    /// corruption.
    func unbind(_ oids: [LFSObjectID], repo repoRowID: Int64, onPurpose: Bool) async throws -> [LFSObjectID]
    /// The objects the repository's writers deleted on purpose and have not uploaded again.
    func deletedOnPurpose(repo repoRowID: Int64) async throws -> Set<LFSObjectID>
    /// Notes `now` as the moment every object bound to no repository (and not noted yet) was
    /// found so (`modelhub gc`'s first step); returns how many were noted (with `dryRun`, how
    /// many would be, noting none).
    func markUnbound(now: Date, dryRun: Bool) async throws -> Int
    /// Deletes the records of the objects found unbound before `cutoff` and bound to no
    /// repository since (with `dryRun`, only lists them); their bytes may then be deleted.
    func sweepUnbound(before cutoff: Date, dryRun: Bool) async throws -> [(oid: LFSObjectID, size: Int64)]
    /// Every object the index records, by oid, a page at a time: the `limit` after `oid`.
    func objects(after oid: LFSObjectID?, limit: Int) async throws -> [(oid: LFSObjectID, size: Int64)]
    /// The repositories an object is bound to.
    func repos(containing oid: LFSObjectID) async throws -> [RepoInfo]
    /// The bytes of every object the index records, each counted once however many repositories
    /// bind it: what the blob store holds.
    func storedBytes() async throws -> Int64

    /// Creates a lock; throws `conflict` (with the holder) when the path is already locked.
    func createLock(path: String, refName: String?, ownerID: Int64, repo repoRowID: Int64) async throws -> LFSLock
    func lock(id: Int64, repo repoRowID: Int64) async throws -> LFSLock?
    func lock(path: String, repo repoRowID: Int64) async throws -> LFSLock?
    /// Locks ordered by id, starting after `afterID`, at most `limit`.
    func locks(repo repoRowID: Int64, afterID: Int64, limit: Int) async throws -> [LFSLock]
    func deleteLock(id: Int64, repo repoRowID: Int64) async throws
}

/// An LFS object as bound to one repository.
public struct BoundLFSObject: Sendable, Equatable {
    public let oid: LFSObjectID
    public let size: Int64
    public let boundAt: Date

    public init(oid: LFSObjectID, size: Int64, boundAt: Date) {
        self.oid = oid
        self.size = size
        self.boundAt = boundAt
    }
}
