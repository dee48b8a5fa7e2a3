import Foundation

/// A comment's text as it reads now, with what it was before each edit.
public struct DiscussionComment: Sendable, Equatable {
    /// The markdown as written (empty once hidden: a hidden comment's text is gone).
    public let text: String
    public let hidden: Bool
    /// When the text was last written, and by whom.
    public let updatedAt: Date
    public let editorName: String?
    /// Earlier versions, oldest first; one per edit.
    public let history: [DiscussionCommentVersion]

    public init(text: String, hidden: Bool, updatedAt: Date, editorName: String?, history: [DiscussionCommentVersion]) {
        self.text = text
        self.hidden = hidden
        self.updatedAt = updatedAt
        self.editorName = editorName
        self.history = history
    }

    public var edited: Bool { !history.isEmpty }

    /// The longest comment taken (the public hub's own bound is not published; 64 KiB of
    /// markdown is a long essay).
    public static let maxLength = 65_536

    public static func validText(_ text: String) throws(HubError) -> String {
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw HubError.badRequest("A comment cannot be empty")
        }
        guard text.utf8.count <= maxLength else {
            throw HubError.badRequest("A comment has at most \(maxLength) bytes")
        }
        return text
    }
}
