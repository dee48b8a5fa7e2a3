import Foundation
import HubCore

/// What a `DiscussionChange` writes, decided once for both indexes from the discussion as the
/// transaction read it: the discussion's new status, title or merge commit, the events to add,
/// and the comment to rewrite.
public struct DiscussionChangePlan: Sendable {
    public var status: DiscussionStatus?
    public var title: String?
    public var mergeCommit: String?
    public var inserted: [DiscussionEventRow] = []
    public var rewritten: DiscussionEventRow?

    /// The event ids the change touched, in timeline order, to read back.
    public var touchedEventIDs: [String] { inserted.map(\.eventID) + (rewritten.map { [$0.eventID] } ?? []) }

    /// `comment` is the row `change` edits or hides (the caller reads it, in the transaction,
    /// by the id the change names).
    public init(
        _ change: DiscussionChange, on discussion: Discussion, comment: DiscussionEventRow?, actor: DiscussionActor?,
        at now: Int64
    ) throws {
        switch change {
        case .comment(let text):
            inserted.append(.comment(text, by: actor, at: now))
        case .status(let status):
            guard discussion.status != .merged else {
                throw HubError.conflict("Pull request #\(discussion.num) is merged: its status cannot change")
            }
            guard status != discussion.status else {
                throw HubError.badRequest("#\(discussion.num) is \(discussion.status.rawValue) already")
            }
            self.status = status
            inserted.append(.statusChange(status, by: actor, at: now))
        case .title(let title):
            guard title != discussion.title else { throw HubError.badRequest("#\(discussion.num) has this title already") }
            self.title = title
            var row = DiscussionEventRow(eventID: DiscussionEvent.newID(), type: "title-change", authorID: actor?.id, createdAt: now)
            row.oldTitle = discussion.title
            row.newTitle = title
            inserted.append(row)
        case .commits(let notes):
            guard discussion.acceptsCommits else { return }
            inserted += notes.map { .commit($0, by: actor, at: now) }
            if discussion.status == .draft, !notes.isEmpty {
                status = .open
                inserted.append(.statusChange(.open, by: actor, at: now))
            }
        case .merged(let commit):
            guard discussion.acceptsCommits else {
                throw HubError.conflict("Pull request #\(discussion.num) is \(discussion.status.rawValue): it cannot be merged")
            }
            status = .merged
            mergeCommit = commit
            inserted.append(.statusChange(.merged, by: actor, at: now))
        case .editComment(_, let text):
            guard var row = comment, row.type == "comment" else { throw HubError.entryNotFound("comment") }
            guard !row.hidden else { throw HubError.conflict("A hidden comment cannot be edited") }
            guard row.body != text else {
                rewritten = row
                return
            }
            row.versions.append(.init(text: row.body ?? "", updatedAt: row.updatedAt ?? row.createdAt, editor: row.editorName))
            row.body = text
            row.updatedAt = now
            row.editorID = actor?.id
            rewritten = row
        case .hideComment:
            guard var row = comment, row.type == "comment" else { throw HubError.entryNotFound("comment") }
            guard !row.hidden else {
                rewritten = row
                return
            }
            row.hidden = true
            row.body = ""
            row.versions = []
            row.updatedAt = now
            row.editorID = actor?.id
            rewritten = row
        }
    }
}
