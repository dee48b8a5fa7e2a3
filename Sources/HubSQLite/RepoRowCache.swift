import Foundation
import GRDB
import HubCore
import HubIndex
import Synchronization

/// Repository rows kept in memory for as long as the database has not changed since they were
/// read.
///
/// Reading a row through the pool costs a thread hop, a read transaction and four statements;
/// most requests (repo info, every `/resolve/`) need only that row. `PRAGMA data_version` on a
/// connection of the cache's own changes whenever any other connection commits — this process's
/// writer as much as an admin command or a second server on the same data folder — so checking
/// it (one statement, on the calling thread) tells exactly whether every cached row is still what
/// a read would return. Any commit anywhere empties the cache: there is no write path to forget.
final class RepoRowCache: Sendable {
    private struct State {
        var version: Int64 = .min
        var rows: [RepoID: RepoInfo] = [:]
    }

    /// Rows kept per database version; past this the cache is emptied and fills again.
    static let capacity = 50_000

    private let probe: DatabaseQueue
    private let state = Mutex(State())

    init(path: String) throws {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(15)
        probe = try DatabaseQueue(path: path, configuration: configuration)
    }

    /// The database's version as this cache's connection sees it.
    func currentVersion() throws -> Int64 {
        try probe.inDatabase { db in
            try Int64.fetchOne(db.cachedStatement(sql: "PRAGMA data_version")) ?? 0
        }
    }

    /// The row cached for `id` at `version`, if the cache holds that version.
    func row(for id: RepoID, at version: Int64) -> RepoInfo? {
        state.withLock { state in state.version == version ? state.rows[id] : nil }
    }

    /// Keeps `row` (read after `version` was taken, so at least that fresh) under `id`.
    func store(_ row: RepoInfo, for id: RepoID, at version: Int64) {
        state.withLock { state in
            if version > state.version {
                state = State(version: version)
            }
            // A row read before a newer version was seen may already be stale.
            guard version == state.version else { return }
            if state.rows.count >= Self.capacity {
                state.rows.removeAll(keepingCapacity: true)
            }
            state.rows[id] = row
        }
    }
}
