import HubCore

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
