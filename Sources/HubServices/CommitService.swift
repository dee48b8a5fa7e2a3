import Foundation
import HubCore
import HubGit
import HubIndex

/// What preupload answers for one file.
public struct UploadDecision: Sendable {
    public let path: String
    /// Sent through Git LFS (`lfs`) or inline in the commit (`regular`).
    public let usesLFS: Bool
    /// Whether the repository's `.gitignore` (or the one sent along) leaves the file out.
    public let shouldIgnore: Bool
    /// The file's current id at the revision: SHA-256 for LFS files, blob SHA-1 otherwise.
    public let currentOID: String?
}

/// A file the client is about to upload, as preupload describes it.
public struct UploadCandidate: Sendable {
    public let path: String
    public let size: Int64
    /// The first bytes of the file (up to 512).
    public let sample: [UInt8]

    public init(path: String, size: Int64, sample: [UInt8]) {
        self.path = path
        self.size = size
        self.sample = sample
    }
}

/// Commits made through the HTTP API: preupload decisions and `CommitSession`s.
public struct CommitService: Sendable {
    let repos: RepoService
    let lfs: LFSService
    let discussions: DiscussionService
    let routing: UploadRouting

    init(repos: RepoService, lfs: LFSService, discussions: DiscussionService, maxGitFileSize: Int) {
        self.repos = repos
        self.lfs = lfs
        self.discussions = discussions
        routing = UploadRouting(maxGitFileSize: maxGitFileSize)
    }

    /// The branch (or `refs/pr/N`) a commit may target, as a full ref name.
    static func branchRef(_ revision: String) throws(HubError) -> String {
        if revision.hasPrefix("refs/pr/") {
            return revision
        }
        _ = try GitRefName(revision)
        if revision.hasPrefix("refs/") { throw HubError.badRequest("Commits go to a branch, not to \(revision)") }
        return "refs/heads/\(revision)"
    }

    /// Decides, file by file, how the client should upload (`_fetch_upload_modes` in huggingface_hub's `_commit_api.py`): LFS when
    /// `.gitattributes` routes the path there, the file is over the size limit, or its first
    /// bytes look binary; regular otherwise.
    public func preupload(
        _ grant: RepoGrant, revision: String, creatingPullRequest: Bool, files: [UploadCandidate], gitIgnore: String?
    ) async throws -> [UploadDecision] {
        try await discussions.requireWrite(grant, revision: revision, creatingPullRequest: creatingPullRequest)
        let repo = grant.repo
        let git = try GitRepository.open(at: repos.location(of: repo))
        guard let head = try git.commit(atRef: try Self.branchRef(revision))?.id else {
            throw HubError.revisionNotFound(revision)
        }
        let attributes = PathPatterns.lfsAttributes(try git.text(at: ".gitattributes", inCommit: head) ?? "")
        let ignoreText = try gitIgnore ?? git.text(at: ".gitignore", inCommit: head)
        let ignores = ignoreText.map(PathPatterns.ignores)
        return try files.map { file in
            let usesLFS = routing.usesLFS(path: file.path, size: file.size, sample: file.sample, attributes: attributes)
            var current: String?
            if let entry = try git.describe(path: file.path, inCommit: head), !entry.isDirectory {
                current = entry.pointer?.oid.hex ?? entry.id
            }
            return UploadDecision(
                path: file.path, usesLFS: usesLFS, shouldIgnore: ignores?.value(for: file.path) == true,
                currentOID: current)
        }
    }

    /// Starts a commit to `revision` (a branch): checks write access now, collects operations,
    /// and lands them with `CommitSession.finish`.
    public func begin(_ id: RepoID, revision: String, caller: Caller?) async throws -> CommitSession {
        try await begin(try await repos.grant(id, caller: caller, need: .write), revision: revision)
    }

    /// Starts a commit to `revision`: a branch of a repository the request may write to, a pull
    /// request (`refs/pr/N`) the caller may push to, or (`creatingPullRequest`, landed with
    /// `finishAsPullRequest`) a new pull request by anyone who may take part.
    public func begin(_ grant: RepoGrant, revision: String, creatingPullRequest: Bool = false) async throws -> CommitSession {
        try await discussions.requireWrite(grant, revision: revision, creatingPullRequest: creatingPullRequest)
        guard let caller = grant.caller else { throw HubError.authenticationRequired }
        let repo = grant.repo
        let ref = try Self.branchRef(revision)
        let git = try GitRepository.open(at: repos.location(of: repo))
        guard try git.commit(atRef: ref) != nil else { throw HubError.revisionNotFound(revision) }
        let quarantine = try GitQuarantine(
            redirecting: git, at: repos.location(of: repo), temporaryDirectory: repos.storage.temporaryDirectory)
        return CommitSession(
            repo: repo, ref: ref, revision: revision, caller: caller, git: git, quarantine: quarantine,
            routing: routing, lfs: lfs, repos: repos, discussions: discussions.store)
    }

}
