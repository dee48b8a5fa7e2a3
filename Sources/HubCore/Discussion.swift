import Foundation

/// A discussion or pull request of a repository.
public struct Discussion: Sendable, Equatable {
    public let num: Int
    public let title: String
    /// Who opened it: nil once their account is deleted (a later account of the same name is
    /// someone else).
    public let authorID: Int64?
    public let authorName: String?
    public let isPullRequest: Bool
    public let status: DiscussionStatus
    /// The branch a pull request proposes changes to.
    public let targetBranch: String?
    public let createdAt: Date
    /// The commit a merged pull request's branch moved to (a merge commit, or the pull
    /// request's head when it was fast-forwarded).
    public let mergeCommit: String?

    public init(
        num: Int, title: String, authorID: Int64?, authorName: String?, isPullRequest: Bool, status: DiscussionStatus,
        targetBranch: String?, createdAt: Date, mergeCommit: String? = nil
    ) {
        self.num = num
        self.title = title
        self.authorID = authorID
        self.authorName = authorName
        self.isPullRequest = isPullRequest
        self.status = status
        self.targetBranch = targetBranch
        self.createdAt = createdAt
        self.mergeCommit = mergeCommit
    }

    /// The git ref of a pull request's commits.
    public var ref: String { "refs/pr/\(num)" }

    /// A discussion's number as a path or a ref writes it: 1 to 999,999,999 in ASCII digits,
    /// without a leading zero (so `refs/pr/01` is no pull request's ref). Nil otherwise.
    public static func number(parsing text: some StringProtocol) -> Int? {
        guard (1...9).contains(text.count), text.first != "0", text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            return nil
        }
        return Int(text)
    }

    /// The pull request a ref (or a revision) names: `refs/pr/N`.
    public static func number(inRef ref: String) -> Int? {
        guard ref.hasPrefix("refs/pr/") else { return nil }
        return number(parsing: ref.dropFirst("refs/pr/".count))
    }

    /// Whether commits may still be added (a pull request neither merged nor closed).
    public var acceptsCommits: Bool { isPullRequest && (status == .open || status == .draft) }

    /// The public hub's bounds on a title (huggingface_hub's `create_discussion`: 3 to 200
    /// characters once trimmed).
    public static func validTitle(_ title: String) throws(HubError) -> String {
        let trimmed = title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (3...200).contains(trimmed.count) else {
            throw HubError.badRequest("A title has 3 to 200 characters")
        }
        guard !trimmed.containsControlCharacters else {
            throw HubError.badRequest("A title cannot contain control characters")
        }
        return trimmed
    }
}
