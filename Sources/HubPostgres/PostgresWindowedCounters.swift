import Foundation
import PostgresNIO
import Synchronization

/// Keeps `repos.downloads_30d` and `repos.trending` true to their windows on PostgreSQL, as
/// `WindowedCounters` does on SQLite: the first counter write of a new day recounts every row from
/// `repo_downloads` and `repo_likes`. The day of the last recount is kept in `counter_windows`
/// (locked while it is checked, so of several instances only one recounts) and in memory.
final class PostgresWindowedCounters: Sendable {
    private let recountedDay = Mutex<Int64>(-1)

    /// Today, in days since 1970 (UTC): downloads are counted per day.
    static func today() -> Int64 {
        Int64(Date.now.timeIntervalSince1970 / 86_400)
    }

    func ensureCurrent(_ index: PostgresIndex) async throws {
        let today = Self.today()
        guard recountedDay.withLock({ $0 }) != today else { return }
        try await index.transaction { connection in
            let stored = try await index.rows("SELECT day FROM counter_windows FOR UPDATE", as: (Int64).self, on: connection)
            guard stored.first != today else { return }
            try await Self.recount(index, today: today, repoRowID: nil, on: connection)
            try await index.execute("UPDATE counter_windows SET day = \(today)", on: connection)
        }
        recountedDay.withLock { $0 = today }
    }

    /// Recomputes the windowed columns of one row, or of every row. Only rows whose counts change
    /// are written: every written row is a new row version in every index (the text index's
    /// pending list included) and a dead one for vacuum, so a day's recount of 100,000 rows
    /// where most are unchanged would otherwise slow every search until autovacuum passed.
    static func recount(_ index: PostgresIndex, today: Int64, repoRowID: Int64?, on connection: PostgresConnection) async throws {
        let likesSince = (today - 7) * 86_400_000
        try await index.execute(
            """
            UPDATE repos SET downloads_30d = counted.downloads_30d, trending = counted.trending
            FROM (
                SELECT r.id,
                  (SELECT COALESCE(SUM(count), 0) FROM repo_downloads d
                   WHERE d.repo_id = r.id AND d.day > \(today - 30)) AS downloads_30d,
                  (SELECT COALESCE(SUM(count), 0) FROM repo_downloads d
                   WHERE d.repo_id = r.id AND d.day > \(today - 7))
                  + 10 * (SELECT COUNT(*) FROM repo_likes l WHERE l.repo_id = r.id AND l.created_at > \(likesSince)) AS trending
                FROM repos r WHERE \(repoRowID)::bigint IS NULL OR r.id = \(repoRowID)::bigint
            ) AS counted
            WHERE repos.id = counted.id
              AND (repos.downloads_30d, repos.trending) IS DISTINCT FROM (counted.downloads_30d, counted.trending)
            """, on: connection)
    }
}
