import Foundation

/// A comment's text before one of its edits.
public struct DiscussionCommentVersion: Sendable, Equatable, Codable {
    public let text: String
    public let updatedAt: Date
    public let editorName: String?

    public init(text: String, updatedAt: Date, editorName: String?) {
        self.text = text
        self.updatedAt = updatedAt
        self.editorName = editorName
    }
}
