import HubCore
import HubIndex

/// Git LFS file locks (`git lfs lock` / `unlock`, and the check git-lfs makes before a push).
extension LFSService {
    public static let defaultLockPageSize = 100

    public func createLock(on grant: RepoGrant, path: String, refName: String?) async throws -> LFSLock {
        try grant.require(.write)
        let repo = grant.repo
        guard let caller = grant.caller else { throw HubError.authenticationRequired }
        return try await store.createLock(
            path: try Self.validLockPath(path), refName: refName, ownerID: caller.user.id, repo: repo.rowID)
    }

    /// Locks of the repository, filtered by `path` or `id`, a page at a time (`cursor` is the last id seen).
    public func locks(
        of grant: RepoGrant, path: String?, lockID: String?, cursor: String?, limit: Int?
    ) async throws -> (locks: [LFSLock], nextCursor: String?) {
        let repo = grant.repo
        if let path {
            let lock = try await store.lock(path: path, repo: repo.rowID)
            return (lock.map { [$0] } ?? [], nil)
        }
        if let lockID {
            let lock = try await Int64(lockID).asyncFlatMap { try await store.lock(id: $0, repo: repo.rowID) }
            return (lock.map { [$0] } ?? [], nil)
        }
        return try await page(repo: repo, cursor: cursor, limit: limit)
    }

    /// The check git-lfs makes before pushing: the caller's locks and everyone else's.
    public func verifyLocks(
        on grant: RepoGrant, cursor: String?, limit: Int?
    ) async throws -> (ours: [LFSLock], theirs: [LFSLock], nextCursor: String?) {
        try grant.require(.write)
        let repo = grant.repo
        let caller = grant.caller
        let (locks, next) = try await page(repo: repo, cursor: cursor, limit: limit)
        let mine = locks.filter { $0.ownerID == caller?.user.id }
        let others = locks.filter { $0.ownerID != caller?.user.id }
        return (mine, others, next)
    }

    /// Releases a lock: its owner may, and with `force` anyone who may write to the repository.
    public func unlock(on grant: RepoGrant, lockID: String, force: Bool) async throws -> LFSLock {
        try grant.require(.write)
        let repo = grant.repo
        let caller = grant.caller
        guard let number = Int64(lockID), let lock = try await store.lock(id: number, repo: repo.rowID) else {
            throw HubError.entryNotFound("lock \(lockID)")
        }
        guard lock.ownerID == caller?.user.id || force else {
            throw HubError.forbidden("This lock belongs to \(lock.ownerName): unlock it with --force")
        }
        try await store.deleteLock(id: lock.id, repo: repo.rowID)
        return lock
    }

    private func page(repo: RepoInfo, cursor: String?, limit: Int?) async throws -> ([LFSLock], String?) {
        let size = min(max(limit ?? Self.defaultLockPageSize, 1), 1000)
        let after = cursor.flatMap { Int64($0) } ?? 0
        let locks = try await store.locks(repo: repo.rowID, afterID: after, limit: size + 1)
        guard locks.count > size else { return (locks, nil) }
        let page = Array(locks.prefix(size))
        return (page, page.last.map { String($0.id) })
    }

    /// A repository path: relative, no `.` or `..` parts, no control characters.
    static func validLockPath(_ path: String) throws(HubError) -> String {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !path.isEmpty, path.utf8.count <= 1024, !path.hasPrefix("/"),
            !parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }),
            !path.containsControlCharacters
        else {
            throw .badRequest("Invalid path '\(HubName.printable(path))': a relative file path is expected")
        }
        return path
    }
}

extension Optional {
    func asyncFlatMap<Result>(_ transform: (Wrapped) async throws -> Result?) async rethrows -> Result? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
