import Foundation

/// A discussion or pull request of a repository.
public struct Discussion: Sendable, Equatable {
    public let num: Int
    public let title: String
    public let description: String
    public let authorName: String?
    public let isPullRequest: Bool
    public let status: String
    /// The branch a pull request proposes changes to.
    public let targetBranch: String?
    public let createdAt: Date

    public init(
        num: Int, title: String, description: String, authorName: String?, isPullRequest: Bool, status: String,
        targetBranch: String?, createdAt: Date
    ) {
        self.num = num
        self.title = title
        self.description = description
        self.authorName = authorName
        self.isPullRequest = isPullRequest
        self.status = status
        self.targetBranch = targetBranch
        self.createdAt = createdAt
    }

    /// The git ref of a pull request's commits.
    public var ref: String { "refs/pr/\(num)" }
}
