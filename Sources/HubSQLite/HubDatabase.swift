import Foundation
import GRDB
import HubCore
import HubIndex

/// The SQLite database of accounts, tokens and the repository index.
///
/// A WAL pool: readers run in parallel with the one writer, so the admin commands can work on
/// the same data folder while the server runs. Every acknowledged write is synced (`synchronous=FULL`).
public final class HubDatabase: Sendable {
    let pool: DatabasePool
    let windowedCounters = WindowedCounters()
    let repoRows = RepoRowCache()
    let dataVersion: DataVersionProbe

    /// Opens (or creates) the database at `path` and applies every migration it lacks.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(15)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Reads map the file instead of copying each page out of the OS cache into every
            // connection's own small cache: a text search walks megabytes of posting lists, and
            // the copies were a fifth of its time (perf). Writes still go through the WAL.
            try db.execute(sql: "PRAGMA mmap_size = 1073741824")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try SQLMigrations.migrator().migrate(pool)
            dataVersion = try DataVersionProbe(path: path)
        } catch let error as DatabaseError {
            throw HubError.internalFailure("cannot open database at \(path): \(error.message ?? "\(error)")")
        }
    }

    /// `PRAGMA integrity_check`: "ok" when the file is sound.
    public func integrityCheck() async throws -> String {
        try await pool.read { db in
            try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "\n")
        }
    }

    /// The names of the migrations applied to this database, oldest first.
    public func appliedMigrations() async throws -> [String] {
        try await pool.read { db in try SQLMigrations.migrator().appliedMigrations(db) }
    }

    /// Closes every connection; later calls fail.
    public func close() throws {
        try pool.close()
    }
}
