import Foundation
import HubCore
import HubIndex
import PostgresNIO

/// Likes and downloads on PostgreSQL; the same rules as `SQLiteCounterStore`. Downloads are
/// added, never written: each instance flushes its own tally (`DownloadTally`) as increments, so
/// no instance overwrites another's counts.
public struct PostgresCounterStore: CounterStore {
    let index: PostgresIndex
    let windows: PostgresWindowedCounters

    public init(index: PostgresIndex) {
        self.index = index
        self.windows = index.windowedCounters
    }

    public func recordDownloads(_ counts: [Int64: Int]) async throws {
        guard !counts.isEmpty else { return }
        try await windows.ensureCurrent(index)
        let day = PostgresWindowedCounters.today()
        let ids = counts.keys.sorted()
        let amounts = ids.map { Int64(counts[$0] ?? 0) }
        let index = self.index
        try await index.transaction { connection in
            // Rows are touched in id order, so two instances flushing at once never deadlock.
            // `JOIN repos`: a repository deleted since the download is skipped.
            try await index.execute(
                """
                INSERT INTO repo_downloads (repo_id, day, count)
                SELECT t.id, \(day), t.n FROM unnest(\(ids)::bigint[], \(amounts)::bigint[]) AS t(id, n)
                JOIN repos ON repos.id = t.id ORDER BY t.id
                ON CONFLICT (repo_id, day) DO UPDATE SET count = repo_downloads.count + excluded.count
                """, on: connection)
            try await index.execute(
                """
                UPDATE repos SET downloads_all_time = downloads_all_time + t.n, downloads_30d = downloads_30d + t.n,
                  trending = trending + t.n
                FROM unnest(\(ids)::bigint[], \(amounts)::bigint[]) AS t(id, n) WHERE repos.id = t.id
                """, on: connection)
        }
    }

    public func like(repoRowID: Int64, userID: Int64) async throws -> Bool {
        let now = HubDate.milliseconds(HubDate.now())
        let index = self.index
        return try await index.transaction { connection in
            guard try await !index.rows(
                """
                INSERT INTO repo_likes (repo_id, user_id, created_at) VALUES (\(repoRowID), \(userID), \(now))
                ON CONFLICT DO NOTHING RETURNING user_id
                """, as: (Int64).self, on: connection
            ).isEmpty else { return false }
            try await index.execute(
                "UPDATE repos SET likes = likes + 1, trending = trending + 10 WHERE id = \(repoRowID)", on: connection)
            return true
        }
    }

    public func unlike(repoRowID: Int64, userID: Int64) async throws -> Bool {
        let index = self.index
        return try await index.transaction { connection in
            guard try await !index.rows(
                "DELETE FROM repo_likes WHERE repo_id = \(repoRowID) AND user_id = \(userID) RETURNING user_id",
                as: (Int64).self, on: connection
            ).isEmpty else { return false }
            try await index.execute("UPDATE repos SET likes = likes - 1 WHERE id = \(repoRowID)", on: connection)
            // The like may be older than the trending window: recount rather than subtract.
            try await PostgresWindowedCounters.recount(
                index, today: PostgresWindowedCounters.today(), repoRowID: repoRowID, on: connection)
            return true
        }
    }

    public func hasLiked(repoRowID: Int64, userID: Int64) async throws -> Bool {
        try await !index.rows(
            "SELECT 1 FROM repo_likes WHERE repo_id = \(repoRowID) AND user_id = \(userID)", as: (Int32).self
        ).isEmpty
    }

    public func likers(repoRowID: Int64, offset: Int, limit: Int) async throws -> [User] {
        try await index.rows(
            """
            SELECT \(unescaped: PostgresAccountStore.userColumns) FROM repo_likes l JOIN users ON users.id = l.user_id
            WHERE l.repo_id = \(repoRowID) ORDER BY l.created_at, l.user_id LIMIT \(Int64(limit)) OFFSET \(Int64(offset))
            """, as: PostgresAccountStore.UserColumns.self
        ).map(PostgresAccountStore.user)
    }

    public func likedRepos(userID: Int64, offset: Int, limit: Int) async throws -> [(repo: RepoInfo, likedAt: Date)] {
        try await index.rows(
            """
            SELECT \(unescaped: PostgresRepoRow.columns), l.created_at FROM repo_likes l JOIN repos ON repos.id = l.repo_id
            WHERE l.user_id = \(userID) ORDER BY l.created_at DESC, repos.id LIMIT \(Int64(limit)) OFFSET \(Int64(offset))
            """,
            as: (
                Int64, String, String, String, Bool, String?, Int64?, String?, Int64, Int64, String?, String?, String?,
                Int64, Int64, Int64, Int64, Int64?, Bool, String?, Int64
            ).self
        ).map { row in
            let repo = (
                row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8, row.9, row.10, row.11, row.12, row.13, row.14,
                row.15, row.16, row.17, row.18, row.19)
            return (try PostgresRepoRow.info(repo), HubDate.date(milliseconds: row.20))
        }
    }
}
