import Foundation
import HubCore
import HubIndex
import PostgresNIO

/// Discussions and pull requests on PostgreSQL; the same rules as `SQLiteDiscussionStore`. The
/// repository's row is locked while the next number is taken, so two instances opening
/// discussions at once get consecutive numbers, and a discussion's row while it changes, so two
/// changes to it never interleave.
public struct PostgresDiscussionStore: DiscussionStore {
    let index: PostgresIndex

    public init(index: PostgresIndex) {
        self.index = index
    }

    typealias DiscussionColumns = (Int64, Int64, String, String?, Bool, String, String?, Int64, String?, Int64?)
    static let select = """
        SELECT d.id, d.num, d.title, u.name::text, d.is_pull_request, d.status, d.target_branch, d.created_at, d.merge_commit,
            d.author_id
        FROM discussions d LEFT JOIN users u ON u.id = d.author_id
        """

    typealias EventColumns = (
        String, String, Int64?, Int64, String?, Bool, Int64?, Int64?, String, String?, String?, String?, String?, String?, String?
    )
    static let selectEvents = """
        SELECT e.event_id, e.type, e.author_id, e.created_at, e.body, e.hidden, e.updated_at, e.editor_id, e.history, e.status,
            e.commit_oid, e.old_title, e.new_title, a.name::text, ed.name::text
        FROM discussion_events e LEFT JOIN users a ON a.id = e.author_id LEFT JOIN users ed ON ed.id = e.editor_id
        """

    public func create(_ new: NewDiscussion, commitPoint: @Sendable (Int) throws -> Void) async throws -> Discussion {
        let now = HubDate.milliseconds(HubDate.now())
        let index = self.index
        return try await index.transaction { connection in
            guard try await !index.rows(
                "SELECT id FROM repos WHERE id = \(new.repoRowID) FOR UPDATE", as: (Int64).self, on: connection
            ).isEmpty else { throw HubError.repoNotFound }
            let last: [Int64?] = try await index.rows(
                "SELECT MAX(num) FROM discussions WHERE repo_id = \(new.repoRowID)", as: (Int64?).self, on: connection)
            let num = ((last.first ?? nil) ?? 0) + 1
            let inserted = try await index.rows(
                """
                INSERT INTO discussions (repo_id, num, title, description, author_id, is_pull_request, status, target_branch, created_at)
                VALUES (\(new.repoRowID), \(num), \(new.title), \(new.description), \(new.author.id), \(new.isPullRequest),
                    \(new.status.rawValue), \(new.targetBranch), \(now))
                RETURNING id
                """, as: (Int64).self, on: connection)
            guard let discussionID = inserted.first else { throw HubError.internalFailure("discussion \(num) was not inserted") }
            for row in DiscussionEventRow.opening(new, at: now) {
                try await Self.insert(row, discussionID: discussionID, index: index, on: connection)
            }
            try commitPoint(Int(num))
            guard let created = try await Self.fetch(repoRowID: new.repoRowID, num: Int(num), index: index, on: connection) else {
                throw HubError.internalFailure("discussion \(num) vanished after insert")
            }
            return created.discussion
        }
    }

    public func discussion(repoRowID: Int64, num: Int) async throws -> Discussion? {
        try await Self.fetch(repoRowID: repoRowID, num: num, index: index, on: nil)?.discussion
    }

    public func discussions(repoRowID: Int64) async throws -> [Discussion] {
        try await index.rows(
            "\(unescaped: Self.select) WHERE d.repo_id = \(repoRowID) ORDER BY d.num DESC", as: DiscussionColumns.self
        ).map(Self.discussion)
    }

    public func events(repoRowID: Int64, num: Int) async throws -> [DiscussionEvent] {
        try await index.rows(
            """
            \(unescaped: Self.selectEvents) JOIN discussions d ON d.id = e.discussion_id
            WHERE d.repo_id = \(repoRowID) AND d.num = \(Int64(num)) ORDER BY e.id
            """, as: EventColumns.self
        ).compactMap { Self.eventRow($0).event }
    }

    public func apply(
        _ change: DiscussionChange, repoRowID: Int64, num: Int, actor: DiscussionActor?
    ) async throws -> DiscussionUpdate? {
        let now = HubDate.milliseconds(HubDate.now())
        let index = self.index
        return try await index.transaction { connection in
            guard let found = try await Self.fetch(repoRowID: repoRowID, num: num, index: index, on: connection, locking: true) else {
                return nil
            }
            var comment: DiscussionEventRow?
            switch change {
            case .editComment(let eventID, _), .hideComment(let eventID):
                comment = try await index.rows(
                    "\(unescaped: Self.selectEvents) WHERE e.discussion_id = \(found.rowID) AND e.event_id = \(eventID)",
                    as: EventColumns.self, on: connection
                ).first.map { Self.eventRow($0).row }
            default:
                break
            }
            let plan = try DiscussionChangePlan(change, on: found.discussion, comment: comment, actor: actor, at: now)
            if let status = plan.status {
                try await index.execute("UPDATE discussions SET status = \(status.rawValue) WHERE id = \(found.rowID)", on: connection)
            }
            if let title = plan.title {
                try await index.execute("UPDATE discussions SET title = \(title) WHERE id = \(found.rowID)", on: connection)
            }
            if let commit = plan.mergeCommit {
                try await index.execute("UPDATE discussions SET merge_commit = \(commit) WHERE id = \(found.rowID)", on: connection)
            }
            for row in plan.inserted {
                try await Self.insert(row, discussionID: found.rowID, index: index, on: connection)
            }
            if let row = plan.rewritten {
                try await index.execute(
                    """
                    UPDATE discussion_events SET body = \(row.body), hidden = \(row.hidden), updated_at = \(row.updatedAt),
                        editor_id = \(row.editorID), history = \(row.history)
                    WHERE discussion_id = \(found.rowID) AND event_id = \(row.eventID)
                    """, on: connection)
            }
            guard let changed = try await Self.fetch(repoRowID: repoRowID, num: num, index: index, on: connection) else {
                throw HubError.internalFailure("discussion \(num) vanished while it changed")
            }
            let touched = plan.touchedEventIDs
            let events = touched.isEmpty ? [] : try await index.rows(
                "\(unescaped: Self.selectEvents) WHERE e.discussion_id = \(found.rowID) AND e.event_id = ANY(\(touched)::text[]) ORDER BY e.id",
                as: EventColumns.self, on: connection
            ).compactMap { Self.eventRow($0).event }
            return DiscussionUpdate(discussion: changed.discussion, events: events)
        }
    }

    static func fetch(
        repoRowID: Int64, num: Int, index: PostgresIndex, on connection: PostgresConnection?, locking: Bool = false
    ) async throws -> (rowID: Int64, discussion: Discussion)? {
        try await index.rows(
            "\(unescaped: select) WHERE d.repo_id = \(repoRowID) AND d.num = \(Int64(num))\(unescaped: locking ? " FOR UPDATE OF d" : "")",
            as: DiscussionColumns.self, on: connection
        ).first.map { ($0.0, discussion($0)) }
    }

    static func discussion(_ row: DiscussionColumns) -> Discussion {
        Discussion(
            num: Int(row.1), title: row.2, authorID: row.9, authorName: row.3, isPullRequest: row.4,
            status: DiscussionStatus(rawValue: row.5) ?? .open, targetBranch: row.6,
            createdAt: HubDate.date(milliseconds: row.7), mergeCommit: row.8)
    }

    static func insert(
        _ row: DiscussionEventRow, discussionID: Int64, index: PostgresIndex, on connection: PostgresConnection
    ) async throws {
        try await index.execute(
            """
            INSERT INTO discussion_events (discussion_id, event_id, type, author_id, created_at, body, hidden, updated_at,
                editor_id, history, status, commit_oid, old_title, new_title)
            VALUES (\(discussionID), \(row.eventID), \(row.type), \(row.authorID), \(row.createdAt), \(row.body), \(row.hidden),
                \(row.updatedAt), \(row.editorID), \(row.history), \(row.status), \(row.commitOID), \(row.oldTitle), \(row.newTitle))
            """, on: connection)
    }

    static func eventRow(_ columns: EventColumns) -> (row: DiscussionEventRow, event: DiscussionEvent?) {
        var row = DiscussionEventRow(eventID: columns.0, type: columns.1, authorID: columns.2, createdAt: columns.3)
        row.body = columns.4
        row.hidden = columns.5
        row.updatedAt = columns.6
        row.editorID = columns.7
        row.history = columns.8
        row.status = columns.9
        row.commitOID = columns.10
        row.oldTitle = columns.11
        row.newTitle = columns.12
        row.editorName = columns.14
        return (row, row.event(authorName: columns.13, editorName: columns.14))
    }
}
