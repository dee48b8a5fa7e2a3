import Foundation
import HubCore
import HubGit

/// Branches, tags and history of a repository (the refs, branch, tag and commits endpoints).
public struct RefService: Sendable {
    let repos: RepoService

    public func refs(_ grant: RepoGrant) throws -> [GitRefTarget] {
        try GitRepository.open(at: repos.location(of: grant.repo)).refs()
    }

    /// Creates branch `name` at `startingPoint` (any revision; the default branch's head when nil).
    public func createBranch(_ grant: RepoGrant, name: String, startingPoint: String?) async throws {
        try grant.require(.write)
        // `refs/pr/5` as a branch would shadow a pull request's ref for every client that resolves
        // revisions by their last segments; the public hub refuses any `refs/` name the same way.
        guard !name.hasPrefix("refs/") else {
            throw HubError.badRequest("Invalid reference for a branch: \(HubName.printable(name))")
        }
        let branch = try GitRefName(name)
        let git = try GitRepository.open(at: repos.location(of: grant.repo))
        let start = startingPoint ?? RepoService.defaultBranch
        guard let commit = try git.commitID(forRevision: start) else { throw HubError.revisionNotFound(start) }
        guard try git.moveRef("refs/heads/\(branch.value)", to: commit, expecting: nil, message: "branch: created") else {
            // The public hub's wording, which huggingface_hub's own tests match (tests/test_hf_api.py).
            throw HubError.conflict("Reference refs/heads/\(branch.value) already exists")
        }
        await repos.reportRefs(grant.repo, [.init(ref: "refs/heads/\(branch.value)", oldSha: nil, newSha: commit)], by: grant.caller)
    }

    public func deleteBranch(_ grant: RepoGrant, name: String) async throws {
        try grant.require(.write)
        let branch = try GitRefName(name)
        guard branch.value != RepoService.defaultBranch else {
            throw HubError.badRequest("Cannot delete refs/heads/\(branch.value): it is the default branch")
        }
        let git = try GitRepository.open(at: repos.location(of: grant.repo))
        let old = try git.commit(atRef: "refs/heads/\(branch.value)")?.id
        guard try git.deleteRef("refs/heads/\(branch.value)") else {
            throw HubError.revisionNotFound(name)
        }
        await repos.reportRefs(grant.repo, [.init(ref: "refs/heads/\(branch.value)", oldSha: old, newSha: nil)], by: grant.caller)
    }

    /// Tags `revision` as `tag`: annotated when a message is given, lightweight otherwise.
    public func createTag(_ grant: RepoGrant, revision: String, tag: String, message: String?) async throws {
        try grant.require(.write)
        guard let caller = grant.caller else { throw HubError.authenticationRequired }
        let name = try GitRefName(tag)
        let git = try GitRepository.open(at: repos.location(of: grant.repo))
        guard let commit = try git.commitID(forRevision: revision) else { throw HubError.revisionNotFound(revision) }
        guard try git.createTag(name.value, on: commit, message: message, tagger: caller.gitSignature) else {
            throw HubError.conflict("Reference refs/tags/\(name.value) already exists")
        }
        await repos.reportRefs(grant.repo, [.init(ref: "refs/tags/\(name.value)", oldSha: nil, newSha: commit)], by: grant.caller)
    }

    public func deleteTag(_ grant: RepoGrant, tag: String) async throws {
        try grant.require(.write)
        let name = try GitRefName(tag)
        let git = try GitRepository.open(at: repos.location(of: grant.repo))
        let old = try git.commitID(forRevision: "refs/tags/\(name.value)")
        guard try git.deleteRef("refs/tags/\(name.value)") else {
            throw HubError.revisionNotFound(tag)
        }
        await repos.reportRefs(grant.repo, [.init(ref: "refs/tags/\(name.value)", oldSha: old, newSha: nil)], by: grant.caller)
    }

    /// A page of the history of `revision`, newest first, and whether more follows.
    public func commits(_ grant: RepoGrant, revision: String, offset: Int, limit: Int) throws -> (entries: [GitLogEntry], hasMore: Bool) {
        let git = try GitRepository.open(at: repos.location(of: grant.repo))
        guard let commit = try git.commitID(forRevision: revision) else { throw HubError.revisionNotFound(revision) }
        return try git.log(from: commit, offset: offset, limit: limit)
    }

    /// One commit (by full or short id, or any revision) and the files it changed.
    public func commit(_ grant: RepoGrant, revision: String) throws -> (entry: GitLogEntry, changes: [GitFileChange]) {
        let git = try GitRepository.open(at: repos.location(of: grant.repo))
        guard let commit = try git.commitID(forRevision: revision) else { throw HubError.revisionNotFound(revision) }
        let (entries, _) = try git.log(from: commit, offset: 0, limit: 1)
        guard let entry = entries.first else { throw HubError.revisionNotFound(revision) }
        return (entry, try git.changes(in: commit))
    }
}
