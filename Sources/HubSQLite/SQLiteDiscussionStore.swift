import Foundation
import GRDB
import HubCore
import HubIndex

public struct SQLiteDiscussionStore: DiscussionStore {
    let database: HubDatabase

    public init(database: HubDatabase) {
        self.database = database
    }

    public func create(_ new: NewDiscussion, commitPoint: @Sendable (Int) throws -> Void) async throws -> Discussion {
        let now = RowDate.encode(HubDate.now())
        return try await database.write { db in
            let num = (try Int.fetchOne(db, sql: "SELECT MAX(num) FROM discussions WHERE repo_id = ?", arguments: [new.repoRowID]) ?? 0) + 1
            try db.execute(
                sql: """
                    INSERT INTO discussions (repo_id, num, title, description, author_id, is_pull_request, status, target_branch, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    new.repoRowID, num, new.title, new.description, new.author.id, new.isPullRequest, new.status.rawValue,
                    new.targetBranch, now,
                ])
            let discussionID = db.lastInsertedRowID
            for row in DiscussionEventRow.opening(new, at: now) {
                try Self.insert(row, discussionID: discussionID, db)
            }
            try commitPoint(num)
            guard let created = try Self.fetch(db, repoRowID: new.repoRowID, num: num) else {
                throw HubError.internalFailure("discussion \(num) vanished after insert")
            }
            return created.discussion
        }
    }

    public func discussion(repoRowID: Int64, num: Int) async throws -> Discussion? {
        try await database.read { db in try Self.fetch(db, repoRowID: repoRowID, num: num)?.discussion }
    }

    public func discussions(repoRowID: Int64) async throws -> [Discussion] {
        try await database.read { db in
            try Row.fetchAll(db, sql: Self.select + " WHERE d.repo_id = ? ORDER BY d.num DESC", arguments: [repoRowID])
                .map(Self.discussion)
        }
    }

    public func events(repoRowID: Int64, num: Int) async throws -> [DiscussionEvent] {
        try await database.read { db in
            guard let found = try Self.fetch(db, repoRowID: repoRowID, num: num) else { return [] }
            return try Self.events(db, where: "e.discussion_id = ?", arguments: [found.rowID]).compactMap { $0.event }
        }
    }

    public func apply(
        _ change: DiscussionChange, repoRowID: Int64, num: Int, actor: DiscussionActor?
    ) async throws -> DiscussionUpdate? {
        let now = RowDate.encode(HubDate.now())
        return try await database.write { db in
            guard let found = try Self.fetch(db, repoRowID: repoRowID, num: num) else { return nil }
            var comment: DiscussionEventRow?
            switch change {
            case .editComment(let eventID, _), .hideComment(let eventID):
                comment = try Self.events(
                    db, where: "e.discussion_id = ? AND e.event_id = ?", arguments: [found.rowID, eventID]
                ).first?.row
            default:
                break
            }
            let plan = try DiscussionChangePlan(change, on: found.discussion, comment: comment, actor: actor, at: now)
            if let status = plan.status {
                try db.execute(sql: "UPDATE discussions SET status = ? WHERE id = ?", arguments: [status.rawValue, found.rowID])
            }
            if let title = plan.title {
                try db.execute(sql: "UPDATE discussions SET title = ? WHERE id = ?", arguments: [title, found.rowID])
            }
            if let commit = plan.mergeCommit {
                try db.execute(sql: "UPDATE discussions SET merge_commit = ? WHERE id = ?", arguments: [commit, found.rowID])
            }
            for row in plan.inserted {
                try Self.insert(row, discussionID: found.rowID, db)
            }
            if let row = plan.rewritten {
                try db.execute(
                    sql: """
                        UPDATE discussion_events SET body = ?, hidden = ?, updated_at = ?, editor_id = ?, history = ?
                        WHERE discussion_id = ? AND event_id = ?
                        """,
                    arguments: [row.body, row.hidden, row.updatedAt, row.editorID, row.history, found.rowID, row.eventID])
            }
            guard let changed = try Self.fetch(db, repoRowID: repoRowID, num: num) else {
                throw HubError.internalFailure("discussion \(num) vanished while it changed")
            }
            let touched = plan.touchedEventIDs
            let events = try touched.isEmpty ? [] : Self.events(
                db, where: "e.discussion_id = ? AND e.event_id IN (\(touched.map { _ in "?" }.joined(separator: ",")))",
                arguments: StatementArguments([found.rowID] as [any DatabaseValueConvertible] + touched)
            ).compactMap { $0.event }
            return DiscussionUpdate(discussion: changed.discussion, events: events)
        }
    }

    static let select = """
        SELECT d.*, u.name AS author_name FROM discussions d LEFT JOIN users u ON u.id = d.author_id
        """

    static func fetch(_ db: Database, repoRowID: Int64, num: Int) throws -> (rowID: Int64, discussion: Discussion)? {
        try Row.fetchOne(db, sql: select + " WHERE d.repo_id = ? AND d.num = ?", arguments: [repoRowID, num]).map {
            ($0["id"], discussion($0))
        }
    }

    static func discussion(_ row: Row) -> Discussion {
        Discussion(
            num: row["num"], title: row["title"], authorID: row["author_id"], authorName: row["author_name"], isPullRequest: row["is_pull_request"],
            status: DiscussionStatus(rawValue: row["status"]) ?? .open, targetBranch: row["target_branch"],
            createdAt: RowDate.decode(row["created_at"]), mergeCommit: row["merge_commit"])
    }

    static func insert(_ row: DiscussionEventRow, discussionID: Int64, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO discussion_events (discussion_id, event_id, type, author_id, created_at, body, hidden, updated_at,
                    editor_id, history, status, commit_oid, old_title, new_title)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                discussionID, row.eventID, row.type, row.authorID, row.createdAt, row.body, row.hidden, row.updatedAt,
                row.editorID, row.history, row.status, row.commitOID, row.oldTitle, row.newTitle,
            ])
    }

    /// Event rows in timeline order, with the names of their authors and editors.
    static func events(
        _ db: Database, where condition: String, arguments: StatementArguments
    ) throws -> [(row: DiscussionEventRow, event: DiscussionEvent?)] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT e.*, a.name AS author_name, ed.name AS editor_name FROM discussion_events e
                LEFT JOIN users a ON a.id = e.author_id LEFT JOIN users ed ON ed.id = e.editor_id
                WHERE \(condition) ORDER BY e.id
                """, arguments: arguments
        ).map { columns in
            var row = DiscussionEventRow(
                eventID: columns["event_id"], type: columns["type"], authorID: columns["author_id"],
                createdAt: columns["created_at"])
            row.body = columns["body"]
            row.hidden = columns["hidden"]
            row.updatedAt = columns["updated_at"]
            row.editorID = columns["editor_id"]
            row.history = columns["history"]
            row.status = columns["status"]
            row.commitOID = columns["commit_oid"]
            row.oldTitle = columns["old_title"]
            row.newTitle = columns["new_title"]
            row.editorName = columns["editor_name"]
            return (row, row.event(authorName: columns["author_name"], editorName: columns["editor_name"]))
        }
    }
}
