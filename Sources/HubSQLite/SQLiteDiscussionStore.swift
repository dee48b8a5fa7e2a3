import Foundation
import GRDB
import HubCore
import HubIndex

public struct SQLiteDiscussionStore: DiscussionStore {
    let database: HubDatabase

    public init(database: HubDatabase) {
        self.database = database
    }

    public func create(
        repoRowID: Int64, title: String, description: String, authorID: Int64, isPullRequest: Bool, targetBranch: String?,
        commitPoint: @Sendable (Int) throws -> Void
    ) async throws -> Discussion {
        let now = HubDate.now()
        return try await database.write { db in
            let num = (try Int.fetchOne(db, sql: "SELECT MAX(num) FROM discussions WHERE repo_id = ?", arguments: [repoRowID]) ?? 0) + 1
            try db.execute(
                sql: """
                    INSERT INTO discussions (repo_id, num, title, description, author_id, is_pull_request, status, target_branch, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?)
                    """,
                arguments: [repoRowID, num, title, description, authorID, isPullRequest, targetBranch, RowDate.encode(now)])
            try commitPoint(num)
            guard let created = try Self.fetch(db, repoRowID: repoRowID, num: num) else {
                throw HubError.internalFailure("discussion \(num) vanished after insert")
            }
            return created
        }
    }

    public func discussion(repoRowID: Int64, num: Int) async throws -> Discussion? {
        try await database.read { db in try Self.fetch(db, repoRowID: repoRowID, num: num) }
    }

    public func discussions(repoRowID: Int64) async throws -> [Discussion] {
        try await database.read { db in
            try Row.fetchAll(db, sql: Self.select + " WHERE d.repo_id = ? ORDER BY d.num DESC", arguments: [repoRowID])
                .map(Self.discussion)
        }
    }

    static let select = """
        SELECT d.*, u.name AS author_name FROM discussions d LEFT JOIN users u ON u.id = d.author_id
        """

    static func fetch(_ db: Database, repoRowID: Int64, num: Int) throws -> Discussion? {
        try Row.fetchOne(db, sql: select + " WHERE d.repo_id = ? AND d.num = ?", arguments: [repoRowID, num]).map(discussion)
    }

    static func discussion(_ row: Row) -> Discussion {
        Discussion(
            num: row["num"], title: row["title"], description: row["description"], authorName: row["author_name"],
            isPullRequest: row["is_pull_request"], status: row["status"], targetBranch: row["target_branch"],
            createdAt: RowDate.decode(row["created_at"]))
    }
}
