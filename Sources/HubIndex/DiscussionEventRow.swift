import Foundation
import HubCore

/// A `discussion_events` row as both indexes store it; what a change writes and what a read
/// turns back into a `DiscussionEvent`.
public struct DiscussionEventRow: Sendable {
    public var eventID: String
    public var type: String
    public var authorID: Int64?
    /// Milliseconds since 1970, as every time in the indexes.
    public var createdAt: Int64
    /// A comment's text, or a commit's subject.
    public var body: String?
    public var hidden = false
    public var updatedAt: Int64?
    public var editorID: Int64?
    /// A comment's earlier versions, JSON (`[DiscussionCommentVersion]`).
    public var history = "[]"
    public var status: String?
    public var commitOID: String?
    public var oldTitle: String?
    public var newTitle: String?
    /// Not a column: the name of `editorID`'s user, as a read fills it in (an edit keeps it in
    /// the history of the text it replaces).
    public var editorName: String?

    public init(eventID: String, type: String, authorID: Int64?, createdAt: Int64) {
        self.eventID = eventID
        self.type = type
        self.authorID = authorID
        self.createdAt = createdAt
    }

    static func comment(_ text: String, by actor: DiscussionActor?, at now: Int64) -> DiscussionEventRow {
        var row = DiscussionEventRow(eventID: DiscussionEvent.newID(), type: "comment", authorID: actor?.id, createdAt: now)
        row.body = text
        row.updatedAt = now
        row.editorID = actor?.id
        return row
    }

    static func statusChange(_ status: DiscussionStatus, by actor: DiscussionActor?, at now: Int64) -> DiscussionEventRow {
        var row = DiscussionEventRow(eventID: DiscussionEvent.newID(), type: "status-change", authorID: actor?.id, createdAt: now)
        row.status = status.rawValue
        return row
    }

    static func commit(_ note: DiscussionCommitNote, by actor: DiscussionActor?, at now: Int64) -> DiscussionEventRow {
        var row = DiscussionEventRow(eventID: DiscussionEvent.newID(), type: "commit", authorID: actor?.id, createdAt: now)
        row.commitOID = note.oid
        row.body = note.subject
        return row
    }

    /// The event this row records; nil for a row no known type describes (never written).
    public func event(authorName: String?, editorName: String?) -> DiscussionEvent? {
        let created = HubDate.date(milliseconds: createdAt)
        let content: DiscussionEvent.Content
        switch type {
        case "comment":
            content = .comment(DiscussionComment(
                text: body ?? "", hidden: hidden, updatedAt: HubDate.date(milliseconds: updatedAt ?? createdAt),
                editorName: editorName,
                history: versions.map {
                    DiscussionCommentVersion(text: $0.text, updatedAt: HubDate.date(milliseconds: $0.updatedAt), editorName: $0.editor)
                }))
        case "status-change":
            guard let status = status.flatMap(DiscussionStatus.init(rawValue:)) else { return nil }
            content = .statusChange(status)
        case "commit":
            content = .commit(oid: commitOID ?? "", subject: body ?? "")
        case "title-change":
            content = .titleChange(from: oldTitle ?? "", to: newTitle ?? "")
        default:
            return nil
        }
        return DiscussionEvent(id: eventID, authorID: authorID, authorName: authorName, createdAt: created, content: content)
    }

    /// A comment's earlier version as `history` stores it.
    struct StoredVersion: Codable {
        let text: String
        let updatedAt: Int64
        let editor: String?
    }

    /// `history`, read and written as its versions.
    var versions: [StoredVersion] {
        get { (try? JSONDecoder().decode([StoredVersion].self, from: Data(history.utf8))) ?? [] }
        set { history = String(decoding: (try? JSONEncoder().encode(newValue)) ?? Data("[]".utf8), as: UTF8.self) }
    }

    /// The rows a new discussion starts with: its description (when it has one), then its commits.
    public static func opening(_ new: NewDiscussion, at now: Int64) -> [DiscussionEventRow] {
        var rows: [DiscussionEventRow] = []
        if !new.description.isEmpty { rows.append(.comment(new.description, by: new.author, at: now)) }
        rows += new.commits.map { .commit($0, by: new.author, at: now) }
        return rows
    }
}
