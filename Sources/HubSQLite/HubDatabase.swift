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
    /// Told how long each read waited for one of the pool's readers, and each write for the one
    /// writer (the operator's `modelhub_database_wait_seconds`).
    let onWait: @Sendable (Duration) -> Void

    /// Opens (or creates) the database at `path` and applies every migration it lacks.
    public init(path: String, onWait: @escaping @Sendable (Duration) -> Void = { _ in }) throws {
        self.onWait = onWait
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

    /// Runs `body` on one of the pool's reader connections, in a transaction that sees one
    /// snapshot of the database.
    func read<Value: Sendable>(_ body: @Sendable (Database) throws -> Value) async throws -> Value {
        let asked = ContinuousClock.now
        return try await pool.read { db in
            self.onWait(ContinuousClock.now - asked)
            return try body(db)
        }
    }

    /// Runs `body` on the writer connection, in a transaction.
    func write<Value: Sendable>(_ body: @Sendable (Database) throws -> Value) async throws -> Value {
        let asked = ContinuousClock.now
        return try await pool.write { db in
            self.onWait(ContinuousClock.now - asked)
            return try body(db)
        }
    }

    /// Writes a consistent copy of the database (one moment of it, while writers go on) to a new
    /// file at `path`, through SQLite's online backup API.
    public func backup(to path: String) throws {
        let copy = try DatabaseQueue(path: path)
        defer { try? copy.close() }
        try pool.backup(to: copy)
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
