import Foundation
import GRDB
import Synchronization

/// Keeps `repos.downloads_30d` and `repos.trending` true to their windows.
///
/// Counting a download or a like bumps the row's columns in the same transaction; what that
/// cannot do is forget the days that leave a window, so the first read or write of a counter on
/// a new day recounts every row from `repo_downloads` and `repo_likes`. The day of the last
/// recount is kept in the database (so another process or a restart does not redo it) and in
/// memory (so the check costs nothing the rest of the day).
final class WindowedCounters: Sendable {
    private let recountedDay = Mutex<Int64>(-1)

    /// Today, in days since 1970 (UTC): downloads are counted per day.
    static func today() -> Int64 {
        Int64(Date.now.timeIntervalSince1970 / 86_400)
    }

    func ensureCurrent(in pool: DatabasePool) async throws {
        let today = Self.today()
        guard recountedDay.withLock({ $0 }) != today else { return }
        try await pool.write { db in
            let stored = try Int64.fetchOne(db, sql: "SELECT day FROM counter_windows") ?? -1
            guard stored != today else { return }
            try Self.recount(db, today: today, repoRowID: nil)
            try db.execute(sql: "UPDATE counter_windows SET day = ?", arguments: [today])
        }
        recountedDay.withLock { $0 = today }
    }

    /// Recomputes the windowed columns of one row, or of every row.
    static func recount(_ db: Database, today: Int64, repoRowID: Int64?) throws {
        let likesSince = (today - 7) * 86_400_000
        try db.execute(
            sql: """
                UPDATE repos SET
                  downloads_30d = (SELECT COALESCE(SUM(count), 0) FROM repo_downloads d
                                   WHERE d.repo_id = repos.id AND d.day > ?),
                  trending = (SELECT COALESCE(SUM(count), 0) FROM repo_downloads d
                              WHERE d.repo_id = repos.id AND d.day > ?)
                           + 10 * (SELECT COUNT(*) FROM repo_likes l
                                   WHERE l.repo_id = repos.id AND l.created_at > ?)
                \(repoRowID == nil ? "" : "WHERE id = ?")
                """,
            arguments: StatementArguments([today - 30, today - 7, likesSince] + (repoRowID.map { [$0] } ?? [])))
    }
}
