import Foundation
import HubCore
import HubIndex
import PostgresNIO

/// Discussions and pull requests on PostgreSQL; the same rules as `SQLiteDiscussionStore`. The
/// repository's row is locked while the next number is taken, so two instances opening
/// discussions at once get consecutive numbers.
public struct PostgresDiscussionStore: DiscussionStore {
    let index: PostgresIndex

    public init(index: PostgresIndex) {
        self.index = index
    }

    typealias DiscussionColumns = (Int64, String, String, String?, Bool, String, String?, Int64)
    static let select = """
        SELECT d.num, d.title, d.description, u.name::text, d.is_pull_request, d.status, d.target_branch, d.created_at
        FROM discussions d LEFT JOIN users u ON u.id = d.author_id
        """

    public func create(
        repoRowID: Int64, title: String, description: String, authorID: Int64, isPullRequest: Bool, targetBranch: String?,
        commitPoint: @Sendable (Int) throws -> Void
    ) async throws -> Discussion {
        let now = HubDate.milliseconds(HubDate.now())
        let index = self.index
        return try await index.transaction { connection in
            guard try await !index.rows(
                "SELECT id FROM repos WHERE id = \(repoRowID) FOR UPDATE", as: (Int64).self, on: connection
            ).isEmpty else { throw HubError.repoNotFound }
            let last: [Int64?] = try await index.rows(
                "SELECT MAX(num) FROM discussions WHERE repo_id = \(repoRowID)", as: (Int64?).self, on: connection)
            let num = ((last.first ?? nil) ?? 0) + 1
            try await index.execute(
                """
                INSERT INTO discussions (repo_id, num, title, description, author_id, is_pull_request, status, target_branch, created_at)
                VALUES (\(repoRowID), \(num), \(title), \(description), \(authorID), \(isPullRequest), 'open', \(targetBranch), \(now))
                """, on: connection)
            try commitPoint(Int(num))
            guard let created = try await index.rows(
                "\(unescaped: Self.select) WHERE d.repo_id = \(repoRowID) AND d.num = \(num)", as: DiscussionColumns.self,
                on: connection
            ).first else { throw HubError.internalFailure("discussion \(num) vanished after insert") }
            return Self.discussion(created)
        }
    }

    public func discussion(repoRowID: Int64, num: Int) async throws -> Discussion? {
        try await index.rows(
            "\(unescaped: Self.select) WHERE d.repo_id = \(repoRowID) AND d.num = \(Int64(num))", as: DiscussionColumns.self
        ).first.map(Self.discussion)
    }

    public func discussions(repoRowID: Int64) async throws -> [Discussion] {
        try await index.rows(
            "\(unescaped: Self.select) WHERE d.repo_id = \(repoRowID) ORDER BY d.num DESC", as: DiscussionColumns.self
        ).map(Self.discussion)
    }

    static func discussion(_ row: DiscussionColumns) -> Discussion {
        Discussion(
            num: Int(row.0), title: row.1, description: row.2, authorName: row.3, isPullRequest: row.4, status: row.5,
            targetBranch: row.6, createdAt: HubDate.date(milliseconds: row.7))
    }
}
