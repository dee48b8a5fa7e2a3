/// Where a discussion or pull request stands; `merged` and `draft` are for pull requests only.
public enum DiscussionStatus: String, Sendable, CaseIterable {
    case draft, open, closed, merged
}
