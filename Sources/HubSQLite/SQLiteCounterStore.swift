import Foundation
import GRDB
import HubCore
import HubIndex

public struct SQLiteCounterStore: CounterStore {
    let database: HubDatabase

    public init(database: HubDatabase) {
        self.database = database
    }

    public func recordDownloads(_ counts: [Int64: Int]) async throws {
        try await database.windowedCounters.ensureCurrent(in: database.pool)
        let day = WindowedCounters.today()
        try await database.write { db in
            for (repoRowID, count) in counts {
                // `WHERE EXISTS`: the repository may have been deleted since the download.
                try db.execute(
                    sql: """
                        INSERT INTO repo_downloads (repo_id, day, count)
                        SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM repos WHERE id = ?)
                        ON CONFLICT (repo_id, day) DO UPDATE SET count = count + excluded.count
                        """,
                    arguments: [repoRowID, day, count, repoRowID])
                try db.execute(
                    sql: """
                        UPDATE repos SET downloads_all_time = downloads_all_time + ?, downloads_30d = downloads_30d + ?,
                          trending = trending + ? WHERE id = ?
                        """,
                    arguments: [count, count, count, repoRowID])
            }
        }
    }

    public func like(repoRowID: Int64, userID: Int64) async throws -> Bool {
        let now = RowDate.encode(HubDate.now())
        return try await database.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO repo_likes (repo_id, user_id, created_at) VALUES (?, ?, ?)",
                arguments: [repoRowID, userID, now])
            guard db.changesCount > 0 else { return false }
            try db.execute(sql: "UPDATE repos SET likes = likes + 1, trending = trending + 10 WHERE id = ?", arguments: [repoRowID])
            return true
        }
    }

    public func unlike(repoRowID: Int64, userID: Int64) async throws -> Bool {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM repo_likes WHERE repo_id = ? AND user_id = ?", arguments: [repoRowID, userID])
            guard db.changesCount > 0 else { return false }
            try db.execute(sql: "UPDATE repos SET likes = likes - 1 WHERE id = ?", arguments: [repoRowID])
            // The like may be older than the trending window: recount rather than subtract.
            try WindowedCounters.recount(db, today: WindowedCounters.today(), repoRowID: repoRowID)
            return true
        }
    }

    public func hasLiked(repoRowID: Int64, userID: Int64) async throws -> Bool {
        try await database.read { db in
            try Row.fetchOne(
                db, sql: "SELECT 1 FROM repo_likes WHERE repo_id = ? AND user_id = ?", arguments: [repoRowID, userID]) != nil
        }
    }

    public func likers(repoRowID: Int64, offset: Int, limit: Int) async throws -> [User] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT users.* FROM repo_likes l JOIN users ON users.id = l.user_id WHERE l.repo_id = ?
                    ORDER BY l.created_at, l.user_id LIMIT ? OFFSET ?
                    """,
                arguments: [repoRowID, limit, offset]
            ).map(SQLiteAccountStore.user)
        }
    }

    public func likedRepos(userID: Int64, offset: Int, limit: Int) async throws -> [(repo: RepoInfo, likedAt: Date)] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT repos.*, l.created_at AS liked_at FROM repo_likes l JOIN repos ON repos.id = l.repo_id
                    WHERE l.user_id = ? ORDER BY l.created_at DESC, repos.id LIMIT ? OFFSET ?
                    """,
                arguments: [userID, limit, offset]
            ).map { (try SQLiteRepoStore.info($0), RowDate.decode($0["liked_at"])) }
        }
    }
}
