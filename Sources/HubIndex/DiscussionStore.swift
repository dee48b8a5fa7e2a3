import HubCore

/// Discussions and pull requests, with their timelines. Every change is one transaction: the
/// discussion's row and the event that records the change land together.
public protocol DiscussionStore: Sendable {
    /// Creates the next discussion of the repository (numbers start at 1) with its first events
    /// (the description as a comment, the commits a pull request starts with), then runs
    /// `commitPoint` with its number in the same transaction (to create the pull request's ref).
    func create(_ new: NewDiscussion, commitPoint: @Sendable (Int) throws -> Void) async throws -> Discussion
    func discussion(repoRowID: Int64, num: Int) async throws -> Discussion?
    /// Newest first.
    func discussions(repoRowID: Int64) async throws -> [Discussion]
    /// Oldest first.
    func events(repoRowID: Int64, num: Int) async throws -> [DiscussionEvent]
    /// Applies `change` by `actor`; nil when there is no such discussion. Refuses a change the
    /// discussion's state no longer allows (a merged pull request's status, a hidden comment's
    /// text) with `HubError.conflict`, and an event id that is no comment of the discussion with
    /// `HubError.entryNotFound`.
    func apply(_ change: DiscussionChange, repoRowID: Int64, num: Int, actor: DiscussionActor?) async throws -> DiscussionUpdate?
}

/// A discussion or pull request to open.
public struct NewDiscussion: Sendable {
    public let repoRowID: Int64
    public let title: String
    public let description: String
    public let author: DiscussionActor
    public let isPullRequest: Bool
    public let status: DiscussionStatus
    public let targetBranch: String?
    /// The commits a pull request starts with, oldest first.
    public let commits: [DiscussionCommitNote]

    public init(
        repoRowID: Int64, title: String, description: String, author: DiscussionActor, isPullRequest: Bool,
        status: DiscussionStatus, targetBranch: String?, commits: [DiscussionCommitNote]
    ) {
        self.repoRowID = repoRowID
        self.title = title
        self.description = description
        self.author = author
        self.isPullRequest = isPullRequest
        self.status = status
        self.targetBranch = targetBranch
        self.commits = commits
    }
}

/// Who makes a change: their row, and their name as edit histories keep it.
public struct DiscussionActor: Sendable {
    public let id: Int64
    public let name: String

    public init(id: Int64, name: String) {
        self.id = id
        self.name = name
    }
}

/// A commit as a pull request's timeline shows it.
public struct DiscussionCommitNote: Sendable, Equatable {
    public let oid: String
    public let subject: String

    public init(oid: String, subject: String) {
        self.oid = oid
        self.subject = subject
    }
}

/// One change to a discussion.
public enum DiscussionChange: Sendable {
    case comment(String)
    /// Open or closed (never for a merged pull request).
    case status(DiscussionStatus)
    case title(String)
    /// Commits pushed to a pull request, oldest first; a draft becomes open with its first.
    case commits([DiscussionCommitNote])
    /// The pull request's branch moved to `commit` (it must be open or a draft).
    case merged(commit: String)
    case editComment(eventID: String, text: String)
    case hideComment(eventID: String)
}

/// A discussion after a change, with the events the change added or rewrote.
public struct DiscussionUpdate: Sendable {
    public let discussion: Discussion
    public let events: [DiscussionEvent]

    public init(discussion: Discussion, events: [DiscussionEvent]) {
        self.discussion = discussion
        self.events = events
    }
}
