import Foundation

/// One entry of a discussion's timeline, as `get_discussion_details` lists them: a comment, a
/// status change, a commit pushed to a pull request, or a new title.
public struct DiscussionEvent: Sendable, Equatable {
    public enum Content: Sendable, Equatable {
        case comment(DiscussionComment)
        case statusChange(DiscussionStatus)
        case commit(oid: String, subject: String)
        case titleChange(from: String, to: String)
    }

    /// 24 lowercase hex digits, as the public hub's event ids (`edit_discussion_comment` takes
    /// one, lowercased).
    public let id: String
    /// Who wrote it: nil once their account is deleted, or for a change no user made.
    public let authorID: Int64?
    public let authorName: String?
    public let createdAt: Date
    public let content: Content

    public init(id: String, authorID: Int64?, authorName: String?, createdAt: Date, content: Content) {
        self.id = id
        self.authorID = authorID
        self.authorName = authorName
        self.createdAt = createdAt
        self.content = content
    }

    /// The event's `type` on the wire.
    public var type: String {
        switch content {
        case .comment: "comment"
        case .statusChange: "status-change"
        case .commit: "commit"
        case .titleChange: "title-change"
        }
    }

    public var comment: DiscussionComment? {
        if case .comment(let comment) = content { comment } else { nil }
    }

    /// A new event id: random, so ids say nothing about a discussion's other events.
    public static func newID() -> String {
        (0..<12).map { _ in UInt8.random(in: 0...255) }.hexString
    }

    public static func isValidID(_ id: String) -> Bool {
        id.utf8.count == 24 && id.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
