import Foundation
import HubCore
import HubGit
import HubIndex

/// Pull requests' commits and merges. Anyone who may take part in a repository may open a pull
/// request on it and push to it (a commit with `create_pr`, or to `refs/pr/N` by the API or by
/// git); its author and the repository's writers push to it while it is open; only writers
/// merge it.
extension DiscussionService {
    /// The pull request `num`, when the caller may push commits to it.
    @discardableResult
    public func requirePushAccess(_ grant: RepoGrant, pullRequest num: Int) async throws -> Discussion {
        let caller = try grant.requireParticipation()
        try await repos.requireFiles(grant)
        guard let discussion = try await store.discussion(repoRowID: grant.repo.rowID, num: num) else {
            throw HubError.entryNotFound("pull request #\(num)")
        }
        try Self.checkPush(to: discussion, by: caller.user.id, writes: grant.access >= .write, in: grant.repo)
        return discussion
    }

    static func checkPush(to discussion: Discussion, by userID: Int64, writes: Bool, in repo: RepoInfo) throws {
        guard discussion.isPullRequest else {
            throw HubError.badRequest("#\(discussion.num) of \(repo.id.path) is a discussion, not a pull request")
        }
        guard discussion.acceptsCommits else {
            throw HubError.forbidden("Pull request #\(discussion.num) is \(discussion.status.rawValue): it takes no more commits")
        }
        guard writes || discussion.authorID == userID else {
            throw HubError.forbidden(
                "Only its author and those who may write to \(repo.id.path) may push to pull request #\(discussion.num)")
        }
    }

    /// Fails unless the caller may write to `revision`: a branch needs write access; `refs/pr/N`
    /// a pull request the caller may push to; a new pull request (`creatingPullRequest`) only
    /// taking part.
    public func requireWrite(_ grant: RepoGrant, revision: String?, creatingPullRequest: Bool) async throws {
        if creatingPullRequest {
            _ = try grant.requireParticipation()
            try await repos.requireFiles(grant)
        } else if let revision, let num = Discussion.number(inRef: revision) {
            try await requirePushAccess(grant, pullRequest: num)
        } else {
            try grant.require(.write)
        }
    }

    /// Why a push may not update these refs (one line each), for the push hook: `refs/pr/N`
    /// only for an open pull request the pusher may push to, never deleted; anything else only
    /// by those who may write.
    public func pushRefusals(_ updates: [RefUpdate], repoRowID: Int64, pusherID: Int64?, writes: Bool) async throws -> [String] {
        guard let repo = try await repos.store.find(rowID: repoRowID) else { return ["the repository is gone"] }
        var reasons: [String] = []
        for update in updates {
            guard let num = Discussion.number(inRef: update.ref) else {
                if !writes {
                    reasons.append("\(update.ref): you may push only to pull requests (refs/pr/N) you opened on \(repo.id.path)")
                }
                continue
            }
            if update.isDeletion {
                reasons.append("\(update.ref): a pull request's ref cannot be deleted (close the pull request instead)")
                continue
            }
            guard let discussion = try await store.discussion(repoRowID: repoRowID, num: num), let pusherID else {
                reasons.append("\(update.ref): there is no pull request #\(num): open it first (create_pull_request)")
                continue
            }
            do {
                try Self.checkPush(to: discussion, by: pusherID, writes: writes, in: repo)
            } catch let error as HubError {
                reasons.append("\(update.ref): \(error.message)")
            }
        }
        return reasons
    }

    /// Records the commits a change added to pull requests (`refs/pr/N` moved by a commit or a
    /// push) on their timelines; a draft becomes open with its first.
    func recordCommits(of event: HubEvent) async {
        guard event.scope == "repo.content" else { return }
        for update in event.updatedRefs {
            guard let num = Discussion.number(inRef: update.ref), let new = update.newSha else { continue }
            do {
                let git = try GitRepository.open(at: repos.location(of: event.repo))
                let commits = try git.commits(from: new, notIn: update.oldSha, limit: 50)
                guard !commits.isEmpty else { continue }
                let before = try await store.discussion(repoRowID: event.repo.rowID, num: num)
                guard let update = try await store.apply(
                    .commits(commits.map { DiscussionCommitNote(oid: $0.id, subject: $0.title) }),
                    repoRowID: event.repo.rowID, num: num, actor: event.actor)
                else { continue }
                if before?.status != update.discussion.status {
                    var changed = HubEvent(action: "update", scope: "discussion", repo: event.repo)
                    changed.discussion = update.discussion
                    changed.actor = event.actor
                    await repos.events.emit(changed)
                }
            } catch {
                Self.logger.warning("the commits pushed to \(update.ref) of \(event.repo.id.path) were not recorded: \(error)")
            }
        }
    }

    /// Merges pull request `num` into its base branch: a fast-forward when the branch has not
    /// moved since the pull request parted from it, a merge commit otherwise; refused (409, with
    /// the files) when both changed the same lines. An optional comment is posted first.
    public func merge(_ grant: RepoGrant, num: Int, comment: String?) async throws -> Discussion {
        try grant.require(.write)
        guard let caller = grant.caller else { throw HubError.authenticationRequired }
        let discussion = try await discussion(grant, num: num)
        guard discussion.isPullRequest, let target = discussion.targetBranch else {
            throw HubError.badRequest("#\(num) is a discussion, not a pull request")
        }
        guard discussion.acceptsCommits else {
            throw HubError.conflict("Pull request #\(num) is \(discussion.status.rawValue): it cannot be merged")
        }
        let repo = grant.repo
        let git = try GitRepository.open(at: repos.location(of: repo))
        let targetRef = "refs/heads/\(target)"
        var landed: (old: String, new: String)?
        attempts: for _ in 0..<5 {
            guard let base = try git.commit(atRef: targetRef)?.id else { throw HubError.revisionNotFound(target) }
            guard let head = try git.commit(atRef: discussion.ref)?.id else {
                throw HubError.internalFailure("\(discussion.ref) of \(repo.id.path) is missing")
            }
            let merged: String
            switch try git.merge(head, into: base) {
            case .upToDate:
                landed = (base, base)
                break attempts
            case .fastForward:
                merged = head
            case .merged(let tree):
                merged = try git.writeCommit(
                    tree: tree, parents: [base, head],
                    message: "Merge pull request #\(num): \(discussion.title)\n\nMerged \(discussion.ref) into \(target).",
                    author: caller.gitSignature)
            case .conflicts(let paths):
                throw HubError.conflict(
                    "Pull request #\(num) cannot be merged: these files changed on both sides: \(paths.joined(separator: ", "))")
            }
            if try git.moveRef(targetRef, to: merged, expecting: base, message: "merge pull request #\(num)") {
                landed = (base, merged)
                break attempts
            }
        }
        guard let landed else { throw HubError.conflict("\(target) keeps moving: try again") }
        if let comment, !comment.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            _ = try await self.comment(grant, num: num, text: comment)
        }
        let update = try await apply(.merged(commit: landed.new), to: num, of: grant, by: caller)
        if landed.old != landed.new {
            await repos.maintenance.schedule(repos.location(of: repo))
            if target == RepoService.defaultBranch { try await repos.refreshHead(of: repo) }
            await repos.reportRefs(repo, [.init(ref: targetRef, oldSha: landed.old, newSha: landed.new)], by: caller)
        }
        await repos.report("update", scope: "discussion", repo, by: caller) { $0.discussion = update.discussion }
        return update.discussion
    }
}
