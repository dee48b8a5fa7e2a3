import Foundation
import HubCore
import HubGit

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

    /// The size of the real content.
    public var size: Int64 {
        switch content {
        case .inline(let bytes): Int64(bytes.count)
        case .lfs(let pointer): pointer.size
        }
    }
}

/// The revision exists but has no file at this path. huggingface_hub caches the miss under the
/// commit, so the answer carries it.
public struct EntryNotFoundAtCommit: Error, Sendable {
    public let commit: String
    public let path: String
}

/// Reading files out of repositories: what `/resolve/` and `/raw/` serve.
public struct FileService: Sendable {
    let repos: RepoService
    let lfs: LFSService

    /// The file at `path` of `revision`. With `followLFS`, an LFS pointer whose object is stored
    /// for the repository resolves to the object; otherwise (and for `/raw/`) the pointer is the file.
    public func resolve(
        _ id: RepoID, revision: String, path: String, caller: Caller?, followLFS: Bool
    ) async throws -> ResolvedFile {
        let repo = try await repos.readable(id, caller: caller)
        let git = try GitRepository.open(at: repos.location(of: repo))
        guard let commit = try git.commitID(forRevision: revision) else {
            throw HubError.revisionNotFound(revision)
        }
        guard let entry = try git.entry(at: path, inCommit: commit), entry.kind == .blob else {
            throw EntryNotFoundAtCommit(commit: commit, path: path)
        }
        let bytes = try git.blobContents(entry.id)
        if followLFS, let pointer = LFSPointer(parsing: bytes),
            try await lfs.missingObjects([pointer], repoRowID: repo.rowID).isEmpty
        {
            return ResolvedFile(repo: repo, commit: commit, path: path, blobID: entry.id, content: .lfs(pointer))
        }
        return ResolvedFile(repo: repo, commit: commit, path: path, blobID: entry.id, content: .inline(bytes))
    }
}
