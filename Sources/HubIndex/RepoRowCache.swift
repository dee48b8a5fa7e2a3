import HubCore
import Synchronization

/// Repository rows kept in memory for as long as the index has not changed since they were read.
///
/// Reading a row costs a database round trip and several statements; most requests (repo info,
/// every `/resolve/`) need only that row. Each backend has a cheap number that changes whenever
/// any writer commits anything — SQLite's `PRAGMA data_version`, PostgreSQL's `index_version` row
/// bumped by a commit-time trigger — and reads it before the row: a cached row is served only at
/// the version it was read at, so any commit anywhere (this process, an admin command, another
/// instance) empties the cache, and there is no write path to forget.
public final class RepoRowCache: Sendable {
    private struct State {
        var version: Int64 = .min
        var rows: [RepoID: RepoInfo] = [:]
    }

    /// Rows kept per index version; past this the cache is emptied and fills again.
    public static let capacity = 50_000

    private let state = Mutex(State())

    public init() {}

    /// The row cached for `id` at `version`, if the cache holds that version.
    public func row(for id: RepoID, at version: Int64) -> RepoInfo? {
        state.withLock { state in state.version == version ? state.rows[id] : nil }
    }

    /// Keeps `row` (read after `version` was taken, so at least that fresh) under `id`.
    public func store(_ row: RepoInfo, for id: RepoID, at version: Int64) {
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
