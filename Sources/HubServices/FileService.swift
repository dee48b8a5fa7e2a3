import Foundation
import HubCore
import HubGit
import XetCore

/// A file of a repository at a revision, ready to be served.
public struct ResolvedFile: Sendable {
    public enum Content: Sendable {
        /// A regular git file (at most the push policy's size), held in memory.
        case inline([UInt8])
        /// A Git LFS file: its content is the stored object the pointer names.
        case lfs(LFSPointer)
    }

    public let repo: RepoInfo
    public let commit: String
    public let path: String
    /// The git blob SHA-1 (of the pointer, for LFS files).
    public let blobID: String
    public let content: Content
    /// For a file uploaded through Xet: its Xet hash, which Xet clients download it by.
    public var xetHash: MerkleHash? = nil
    /// A mirror's LFS file still on its way from the upstream hub: served by this hub as it
    /// arrives, never by a redirect to the blob store, which does not have it yet.
    public var arriving = false

    /// The size of the real content.
    public var size: Int64 {
        switch content {
        case .inline(let bytes): Int64(bytes.count)
        case .lfs(let pointer): pointer.size
        }
    }
}

/// A file or directory of a tree listing.
public struct RepoTreeEntry: Sendable {
    public let path: String
    public let isDirectory: Bool
    /// Blob SHA-1 (of the pointer for LFS files) or tree SHA-1.
    public let gitID: String
    /// The real content size (the object's, for LFS files).
    public let size: Int64
    /// For LFS files: the pointer, and the size of the pointer blob itself.
    public let lfs: (pointer: LFSPointer, pointerSize: Int64)?
    /// For files uploaded through Xet: their Xet hash (`xetHash` in listings).
    public var xetHash: MerkleHash? = nil
}

/// A revision resolved to its commit.
public struct ResolvedRevision: Sendable {
    public let repo: RepoInfo
    public let commit: String
    public let date: Date
}

/// Reading files out of repositories: what `/resolve/`, `/raw/` and the tree API serve.
public struct FileService: Sendable {
    let repos: RepoService
    let lfs: LFSService
    /// Listings, cards, commit dates and small files by commit id: immutable, so never stale.
    let listings = BoundedCache<[GitListedEntry]>(capacity: 200_000)
    let cards = BoundedCache<RepoCard>(capacity: 4096)
    let commitDates = BoundedCache<Date>(capacity: 65_536)
    let smallFiles = BoundedCache<(blobID: String, bytes: [UInt8])?>(capacity: 64 << 20)
    static let smallFileLimit = 256 * 1024

    init(repos: RepoService, lfs: LFSService) {
        self.repos = repos
        self.lfs = lfs
    }

    /// The commit `revision` names. The default branch's head comes from the index, which
    /// follows every push and commit; anything else is resolved by git.
    func commit(for revision: String, repo: RepoInfo, git: () throws -> GitRepository) throws -> String {
        if revision == RepoService.defaultBranch, let head = repo.headCommit { return head }
        guard let commit = try git().commitID(forRevision: revision) else { throw HubError.revisionNotFound(revision) }
        return commit
    }

    /// The file at `path` of `revision`. With `followLFS`, an LFS pointer whose object is stored
    /// for the repository resolves to the object; otherwise (and for `/raw/`) the pointer is the file.
    /// (for a repository the request was let into).
    /// `fetchingMirrored`: a mirror's LFS file that was never downloaded is fetched from
    /// upstream first (a GET); without it (a HEAD) the answer is made from its pointer.
    public func resolve(
        _ grant: RepoGrant, revision: String, path: String, followLFS: Bool, fetchingMirrored: Bool = true
    ) async throws -> ResolvedFile {
        try await repos.requireFiles(grant)
        let repo = grant.repo
        let location = repos.location(of: repo)
        var opened: GitRepository?
        func git() throws -> GitRepository {
            if let opened { return opened }
            let repository = try GitRepository.open(at: location)
            opened = repository
            return repository
        }
        let commit = try self.commit(for: revision, repo: repo, git: git)
        let key = "\(repo.rowID)|\(commit)|\(path)"
        let cached: (blobID: String, bytes: [UInt8])?
        if let hit = smallFiles.value(for: key) {
            cached = hit
        } else {
            if let entry = try git().entry(at: path, inCommit: commit), entry.kind == .blob {
                cached = (entry.id, try git().blobContents(entry.id))
            } else {
                cached = nil
            }
            if (cached?.bytes.count ?? 0) <= Self.smallFileLimit {
                smallFiles.store(cached, for: key, cost: 64 + (cached?.bytes.count ?? 0))
            }
        }
        guard let (blobID, bytes) = cached else {
            throw HubError.entryNotFound(path, atCommit: commit)
        }
        if followLFS, let pointer = LFSPointer(parsing: bytes) {
            var location = try await lfs.locate(pointer, repoRowID: repo.rowID)
            if location == nil, repo.mirror != nil {
                // Never downloaded through this mirror: a HEAD is answered from the pointer, a GET
                // streams the bytes as they come from upstream.
                let arriving = fetchingMirrored ? try await lfs.beginMirrored(pointer, repo: repo) != nil : true
                if arriving {
                    var file = ResolvedFile(repo: repo, commit: commit, path: path, blobID: blobID, content: .lfs(pointer))
                    file.arriving = true
                    return file
                }
                location = try await lfs.locate(pointer, repoRowID: repo.rowID)
            }
            if let location {
                var file = ResolvedFile(repo: repo, commit: commit, path: path, blobID: blobID, content: .lfs(pointer))
                if case .xet(let hash) = location { file.xetHash = hash }
                return file
            }
        }
        return ResolvedFile(repo: repo, commit: commit, path: path, blobID: blobID, content: .inline(bytes))
    }

    /// `revision` of a repository the caller was already allowed to read.
    public func revision(of repo: RepoInfo, revision: String) throws -> ResolvedRevision {
        // The default branch's commit (from the index) and its date (cached) need no git at all.
        let commit = try self.commit(for: revision, repo: repo) { try GitRepository.open(at: repos.location(of: repo)) }
        if let date = commitDates.value(for: commit) {
            return ResolvedRevision(repo: repo, commit: commit, date: date)
        }
        let date = try GitRepository.open(at: repos.location(of: repo)).commitSummary(commit).date
        commitDates.store(date, for: commit)
        return ResolvedRevision(repo: repo, commit: commit, date: date)
    }

    /// The entries under `path` at `revision` of a repository the caller was already allowed to
    /// read; LFS files whose object is not stored for the repository are listed as the plain
    /// pointer files `/resolve/` serves for them.
    public func tree(
        of repo: RepoInfo, revision: String, path: String, recursive: Bool
    ) async throws -> (ResolvedRevision, [RepoTreeEntry]) {
        let resolved = try self.revision(of: repo, revision: revision)
        return (resolved, try await tree(at: resolved, path: path, recursive: recursive))
    }

    /// The tree of a revision already resolved for a caller allowed to read it.
    public func tree(at resolved: ResolvedRevision, path: String, recursive: Bool) async throws -> [RepoTreeEntry] {
        let key = "\(resolved.repo.rowID)|\(resolved.commit)|\(path)|\(recursive)"
        let listed: [GitListedEntry]
        if let hit = listings.value(for: key) {
            listed = hit
        } else {
            let git = try GitRepository.open(at: repos.location(of: resolved.repo))
            guard let found = try git.listTree(commit: resolved.commit, path: path, recursive: recursive) else {
                throw HubError.entryNotFound(path, atCommit: resolved.commit)
            }
            listed = found
            listings.store(found, for: key, cost: max(found.count, 1))
        }
        return try await entries(listed, repo: resolved.repo)
    }

    /// The entries of the given paths that exist at `revision` of a repository the request was let into.
    public func pathsInfo(
        _ grant: RepoGrant, revision: String, paths: [String]
    ) async throws -> (resolved: ResolvedRevision, entries: [RepoTreeEntry]) {
        let resolved = try self.revision(of: grant.repo, revision: revision)
        let git = try GitRepository.open(at: repos.location(of: resolved.repo))
        var listed: [GitListedEntry] = []
        for path in paths {
            let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
            if let entry = try git.describe(path: trimmed, inCommit: resolved.commit) { listed.append(entry) }
        }
        return (resolved, try await entries(listed, repo: resolved.repo))
    }

    /// Listing entries as the API reports them: LFS files with their object's size, unless the
    /// object is not stored for the repository (then they are the plain pointer files `/resolve/` serves).
    func entries(_ listed: [GitListedEntry], repo: RepoInfo) async throws -> [RepoTreeEntry] {
        let stored = try await lfs.locations(listed.compactMap(\.pointer), repoRowID: repo.rowID)
        return listed.map { entry in
            if let pointer = entry.pointer, let location = stored[pointer] {
                var listed = RepoTreeEntry(
                    path: entry.path, isDirectory: false, gitID: entry.id, size: pointer.size, lfs: (pointer, entry.size))
                if case .xet(let hash) = location { listed.xetHash = hash }
                return listed
            }
            return RepoTreeEntry(path: entry.path, isDirectory: entry.isDirectory, gitID: entry.id, size: entry.size, lfs: nil)
        }
    }

    /// What README.md at `commit` says, for a repository the caller was already allowed to read.
    public func card(of repo: RepoInfo, commit: String) throws -> RepoCard {
        let key = "\(repo.rowID)|\(commit)"
        if let hit = cards.value(for: key) { return hit }
        let card = try CardMetadata.card(in: GitRepository.open(at: repos.location(of: repo)), commit: commit)
        cards.store(card, for: key)
        return card
    }

    /// The newest commit that changed each path, walking back from `commit`.
    public func lastCommits(_ repo: RepoInfo, paths: [String], commit: String) async throws -> [String: GitLogEntry] {
        try GitRepository.open(at: repos.location(of: repo)).lastCommits(for: paths, from: commit)
    }
}
