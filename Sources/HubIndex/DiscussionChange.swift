import HubCore

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
