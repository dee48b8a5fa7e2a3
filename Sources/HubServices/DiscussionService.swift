import Foundation
import HubCore
import HubGit
import HubIndex
import Logging

/// Discussions and pull requests as the public hub has them (huggingface_hub's
/// `get_repo_discussions`, `create_discussion`, `comment_discussion`, `rename_discussion`,
/// `change_discussion_status`, `edit_discussion_comment`, `hide_discussion_comment`,
/// `merge_pull_request`): whoever may read a repository reads its discussions; whoever may take
/// part (`AccessPolicy.mayParticipate`) opens them and comments; a discussion's author and the
/// repository's writers rename, close and reopen it; only writers merge.
public struct DiscussionService: Sendable {
    let repos: RepoService
    let store: any DiscussionStore

    static let logger = Logger(label: "modelhub.discussions")
    /// Discussions per page of a listing (`p` numbers them from 0).
    public static let pageSize = 50
    /// The longest `diff` a pull request's details carry.
    public static let maxDiffBytes = 1 << 20

    init(repos: RepoService, store: any DiscussionStore) {
        self.repos = repos
        self.store = store
    }

    // MARK: Reading

    /// A page of a repository's discussions, newest first, as `get_repo_discussions` pages them.
    public struct Listing: Sendable {
        public let discussions: [Discussion]
        /// How many match the filters, and where this page starts among them.
        public let count: Int
        public let start: Int
        public let closedCount: Int
    }

    /// `type`: `all`, `discussion` or `pull_request`; `status`: `all`, `open` (drafts too) or
    /// `closed` (merged too); `author`: a user name.
    public func list(_ grant: RepoGrant, type: String?, status: String?, author: String?, page: Int) async throws -> Listing {
        let all = try await store.discussions(repoRowID: grant.repo.rowID)
        let kindMatches: (Discussion) -> Bool
        switch type ?? "all" {
        case "all": kindMatches = { _ in true }
        case "discussion": kindMatches = { !$0.isPullRequest }
        case "pull_request": kindMatches = { $0.isPullRequest }
        default: throw HubError.badRequest("type is all, discussion or pull_request")
        }
        let statusMatches: (Discussion) -> Bool
        switch status ?? "all" {
        case "all": statusMatches = { _ in true }
        case "open": statusMatches = { $0.status == .open || $0.status == .draft }
        case "closed": statusMatches = { $0.status == .closed || $0.status == .merged }
        default: throw HubError.badRequest("status is all, open or closed")
        }
        guard page >= 0 else { throw HubError.badRequest("p is a page number from 0") }
        let wantedAuthor = author?.lowercased()
        let matching = all.filter { discussion in
            kindMatches(discussion) && statusMatches(discussion)
                && (wantedAuthor == nil || discussion.authorName?.lowercased() == wantedAuthor)
        }
        let start = min(page.multipliedReportingOverflow(by: Self.pageSize).partialValue, matching.count)
        return Listing(
            discussions: Array(matching[start..<min(start + Self.pageSize, matching.count)]), count: matching.count,
            start: start, closedCount: matching.filter { $0.status == .closed || $0.status == .merged }.count)
    }

    public func discussion(_ grant: RepoGrant, num: Int) async throws -> Discussion {
        guard let found = try await store.discussion(repoRowID: grant.repo.rowID, num: num) else {
            throw HubError.entryNotFound("discussion #\(num)")
        }
        return found
    }

    /// A discussion with its timeline; for a pull request also the files that would conflict on
    /// merging it and (`withDiff`, to those who may read the files) its diff against its base.
    public struct Details: Sendable {
        public let discussion: Discussion
        public let events: [DiscussionEvent]
        public let conflictingFiles: [String]?
        public let diff: String?
    }

    public func details(_ grant: RepoGrant, num: Int, withDiff: Bool) async throws -> Details {
        let discussion = try await discussion(grant, num: num)
        let events = try await store.events(repoRowID: grant.repo.rowID, num: num)
        guard discussion.isPullRequest else {
            return Details(discussion: discussion, events: events, conflictingFiles: nil, diff: nil)
        }
        var conflicts: [String] = []
        var diff: String?
        if let branches = try openBranches(of: discussion, in: grant.repo) {
            conflicts = try branches.git.conflicts(merging: branches.head, into: branches.base)
            if withDiff, try await repos.mayReadFiles(grant) {
                diff = try branches.git.patch(from: branches.partedAt, to: branches.head, maxBytes: Self.maxDiffBytes).text
            }
        }
        return Details(discussion: discussion, events: events, conflictingFiles: conflicts, diff: diff)
    }

    /// What an open pull request changes against its base branch as it is now (its commits
    /// since they parted), for the web UI.
    public func changedFiles(_ grant: RepoGrant, of discussion: Discussion) async throws -> [GitFileChange] {
        guard let branches = try openBranches(of: discussion, in: grant.repo) else { return [] }
        return try branches.git.changes(from: branches.partedAt, to: branches.head)
    }

    /// An open pull request's repository, the head of its base branch, its own head, and the
    /// commit where they parted; nil for a discussion, a closed or merged pull request, or one
    /// whose base branch is gone.
    func openBranches(of discussion: Discussion, in repo: RepoInfo) throws
        -> (git: GitRepository, base: String, head: String, partedAt: String)?
    {
        guard discussion.acceptsCommits, let target = discussion.targetBranch else { return nil }
        let git = try GitRepository.open(at: repos.location(of: repo))
        guard let base = try git.commit(atRef: "refs/heads/\(target)")?.id,
            let head = try git.commit(atRef: discussion.ref)?.id
        else { return nil }
        return (git, base, head, try git.mergeBase(base, head) ?? base)
    }

    // MARK: Writing

    /// Opens a discussion, or a pull request against the default branch (a draft, with
    /// `refs/pr/N` at the branch's head, until commits are pushed to it).
    public func open(_ grant: RepoGrant, title: String, description: String, pullRequest: Bool) async throws -> Discussion {
        let caller = try grant.requireParticipation()
        let title = try Discussion.validTitle(title)
        let description = description.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            ? "" : try DiscussionComment.validText(description)
        let repo = grant.repo
        var startsAt: String?
        if pullRequest {
            try await repos.requireFiles(grant)
            let git = try GitRepository.open(at: repos.location(of: repo))
            guard let head = try git.commit(atRef: "refs/heads/\(RepoService.defaultBranch)")?.id else {
                throw HubError.revisionNotFound(RepoService.defaultBranch)
            }
            startsAt = head
        }
        let startingCommit = startsAt
        let location = repos.location(of: repo)
        let discussion = try await store.create(
            NewDiscussion(
                repoRowID: repo.rowID, title: title, description: description, author: caller.discussionActor,
                isPullRequest: pullRequest, status: pullRequest ? .draft : .open,
                targetBranch: pullRequest ? RepoService.defaultBranch : nil, commits: [])
        ) { num in
            guard let startingCommit else { return }
            let git = try GitRepository.open(at: location)
            guard try git.moveRef("refs/pr/\(num)", to: startingCommit, expecting: nil, message: "pull request \(num)") else {
                throw HubError.conflict("refs/pr/\(num) already exists")
            }
        }
        await repos.report("create", scope: "discussion", repo, by: caller) { $0.discussion = discussion }
        return discussion
    }

    public func comment(_ grant: RepoGrant, num: Int, text: String) async throws -> DiscussionEvent {
        let caller = try grant.requireParticipation()
        let update = try await apply(.comment(try DiscussionComment.validText(text)), to: num, of: grant, by: caller)
        return try await reportComment("create", update, grant: grant, caller: caller)
    }

    /// Rewrites a comment's text; only its author may.
    public func editComment(_ grant: RepoGrant, num: Int, commentID: String, text: String) async throws -> DiscussionEvent {
        let caller = try grant.requireParticipation()
        let comment = try await existingComment(commentID, num: num, of: grant)
        guard comment.authorID == caller.user.id else {
            throw HubError.forbidden("Only its author may edit a comment")
        }
        let update = try await apply(
            .editComment(eventID: comment.id, text: try DiscussionComment.validText(text)), to: num, of: grant, by: caller)
        return try await reportComment("update", update, grant: grant, caller: caller)
    }

    /// Hides a comment for good (its text is deleted); its author and the repository's writers may.
    public func hideComment(_ grant: RepoGrant, num: Int, commentID: String) async throws -> DiscussionEvent {
        let caller = try grant.requireParticipation()
        let comment = try await existingComment(commentID, num: num, of: grant)
        guard comment.authorID == caller.user.id || grant.access >= .write else {
            throw HubError.forbidden("Only its author and those who may write to \(grant.repo.id.path) may hide a comment")
        }
        let update = try await apply(.hideComment(eventID: comment.id), to: num, of: grant, by: caller)
        return try await reportComment("update", update, grant: grant, caller: caller)
    }

    public func rename(_ grant: RepoGrant, num: Int, title: String) async throws -> DiscussionEvent {
        let caller = try await requireManagement(of: num, grant)
        let update = try await apply(.title(try Discussion.validTitle(title)), to: num, of: grant, by: caller)
        await repos.report("update", scope: "discussion", grant.repo, by: caller) { $0.discussion = update.discussion }
        return try Self.only(update.events)
    }

    /// Closes or reopens a discussion or pull request, with an optional comment first.
    public func changeStatus(_ grant: RepoGrant, num: Int, to status: DiscussionStatus, comment: String?) async throws
        -> DiscussionEvent
    {
        guard status == .open || status == .closed else { throw HubError.badRequest("The status is open or closed") }
        let caller = try await requireManagement(of: num, grant)
        if let comment, !comment.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            _ = try await self.comment(grant, num: num, text: comment)
        }
        let update = try await apply(.status(status), to: num, of: grant, by: caller)
        await repos.report("update", scope: "discussion", grant.repo, by: caller) { $0.discussion = update.discussion }
        return try Self.only(update.events)
    }

    // MARK: Helpers

    /// The caller, when they may rename, close or reopen discussion `num`: its author, or one
    /// who may write to the repository.
    func requireManagement(of num: Int, _ grant: RepoGrant) async throws -> Caller {
        let caller = try grant.requireParticipation()
        let discussion = try await discussion(grant, num: num)
        guard grant.access >= .write || discussion.authorID == caller.user.id else {
            throw HubError.forbidden("Only its author and those who may write to \(grant.repo.id.path) may change #\(num)")
        }
        return caller
    }

    func existingComment(_ id: String, num: Int, of grant: RepoGrant) async throws -> DiscussionEvent {
        let id = id.lowercased()
        guard DiscussionEvent.isValidID(id) else { throw HubError.entryNotFound("comment \(HubName.printable(id))") }
        let events = try await store.events(repoRowID: grant.repo.rowID, num: try await discussion(grant, num: num).num)
        guard let comment = events.first(where: { $0.id == id && $0.comment != nil }) else {
            throw HubError.entryNotFound("comment \(id)")
        }
        return comment
    }

    func apply(_ change: DiscussionChange, to num: Int, of grant: RepoGrant, by caller: Caller?) async throws -> DiscussionUpdate {
        guard let update = try await store.apply(
            change, repoRowID: grant.repo.rowID, num: num, actor: caller?.discussionActor)
        else { throw HubError.entryNotFound("discussion #\(num)") }
        return update
    }

    func reportComment(_ action: String, _ update: DiscussionUpdate, grant: RepoGrant, caller: Caller) async throws -> DiscussionEvent {
        let comment = try Self.only(update.events)
        await repos.report(action, scope: "discussion.comment", grant.repo, by: caller) {
            $0.discussion = update.discussion
            $0.comment = comment
        }
        return comment
    }

    static func only(_ events: [DiscussionEvent]) throws -> DiscussionEvent {
        guard let event = events.last else { throw HubError.internalFailure("a discussion change recorded no event") }
        return event
    }
}
