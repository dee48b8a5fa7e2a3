import HubCore
import HubGit

extension CommitService {
    /// `super_squash_history`: the branch's history becomes one commit with the same files. Tags
    /// and other branches keep the old commits (and with them every LFS object they point to).
    /// Returns the new commit.
    public func superSquash(_ grant: RepoGrant, branch: String, message: String?) async throws -> String {
        try grant.require(.write)
        guard let caller = grant.caller else { throw HubError.authenticationRequired }
        let repo = grant.repo
        let git = try GitRepository.open(at: repos.location(of: repo))
        let ref: String
        // `refs/convert/parquet` is squashed by the dataset viewer on the public hub.
        if branch.hasPrefix("refs/convert/") {
            _ = try GitRefName(branch)
            ref = branch
        } else {
            ref = try Self.branchRef(branch)
        }
        guard let head = try git.commit(atRef: ref)?.id else {
            if try git.commit(atRef: "refs/tags/\(branch)") != nil {
                throw HubError.badRequest("Invalid reference for a branch: \(HubName.printable(branch)) is a tag")
            }
            throw HubError.revisionNotFound(branch)
        }
        let author = caller.gitSignature
        let squashed = try git.writeCommit(
            tree: try git.treeID(ofCommit: head), parents: [],
            message: message ?? "Super-squash branch '\(branch)'", author: author)
        guard try git.moveRef(ref, to: squashed, expecting: head, message: "super-squash") else {
            throw HubError.conflict("\(HubName.printable(branch)) moved while its history was being squashed: try again")
        }
        await repos.maintenance.schedule(repos.location(of: repo))
        if ref == "refs/heads/\(RepoService.defaultBranch)" {
            try await repos.refreshHead(of: repo)
        }
        await repos.reportRefs(repo, [.init(ref: ref, oldSha: head, newSha: squashed)], by: caller)
        return squashed
    }
}
