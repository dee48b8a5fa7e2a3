import Foundation
import GRDB
import HubCore
import HubIndex

public struct SQLiteLFSStore: LFSStore {
    let database: HubDatabase

    public init(database: HubDatabase) {
        self.database = database
    }

    public func bind(_ oid: LFSObjectID, size: Int64, toRepo repoRowID: Int64) async throws {
        let now = RowDate.encode(HubDate.now())
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO lfs_objects (oid, size, created_at) VALUES (?, ?, ?)
                    ON CONFLICT (oid) DO UPDATE SET unbound_at = NULL
                    """,
                arguments: [oid.hex, size, now])
            try db.execute(
                sql: "INSERT INTO repo_lfs_objects (repo_id, oid, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                arguments: [repoRowID, oid.hex, now])
            try db.execute(sql: "DELETE FROM lfs_deletions WHERE repo_id = ? AND oid = ?", arguments: [repoRowID, oid.hex])
        }
    }

    public func boundObjects(repo repoRowID: Int64) async throws -> [BoundLFSObject] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT o.oid, o.size, r.created_at FROM repo_lfs_objects r JOIN lfs_objects o ON o.oid = r.oid
                    WHERE r.repo_id = ? ORDER BY r.created_at DESC, o.oid
                    """,
                arguments: [repoRowID]
            ).map { row in
                BoundLFSObject(oid: try LFSObjectID(row["oid"]), size: row["size"], boundAt: RowDate.decode(row["created_at"]))
            }
        }
    }

    public func unbind(_ oids: [LFSObjectID], repo repoRowID: Int64, onPurpose: Bool) async throws -> [LFSObjectID] {
        let now = RowDate.encode(HubDate.now())
        return try await database.write { db in
            var orphans: [LFSObjectID] = []
            for oid in oids {
                try db.execute(
                    sql: "DELETE FROM repo_lfs_objects WHERE repo_id = ? AND oid = ?", arguments: [repoRowID, oid.hex])
                guard db.changesCount > 0 else { continue }
                if onPurpose {
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO lfs_deletions (repo_id, oid, deleted_at) VALUES (?, ?, ?)",
                        arguments: [repoRowID, oid.hex, now])
                }
                try db.execute(
                    sql: """
                        DELETE FROM lfs_objects WHERE oid = ?
                        AND NOT EXISTS (SELECT 1 FROM repo_lfs_objects WHERE oid = ?)
                        """,
                    arguments: [oid.hex, oid.hex])
                if db.changesCount > 0 { orphans.append(oid) }
            }
            return orphans
        }
    }

    public func boundObjects(_ oids: [LFSObjectID], repo repoRowID: Int64) async throws -> [LFSObjectID: Int64] {
        guard !oids.isEmpty else { return [:] }
        return try await database.read { db in
            var found: [LFSObjectID: Int64] = [:]
            // SQLite limits bound parameters per statement; ask in slices.
            for slice in stride(from: 0, to: oids.count, by: 500).map({ oids[$0..<min($0 + 500, oids.count)] }) {
                let marks = Array(repeating: "?", count: slice.count).joined(separator: ",")
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT o.oid, o.size FROM repo_lfs_objects r JOIN lfs_objects o ON o.oid = r.oid
                        WHERE r.repo_id = ? AND r.oid IN (\(marks))
                        """,
                    arguments: StatementArguments([repoRowID] + slice.map(\.hex)))
                for row in rows {
                    found[try LFSObjectID(row["oid"])] = row["size"]
                }
            }
            return found
        }
    }

    public func repos(containing oid: LFSObjectID) async throws -> [RepoInfo] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT repos.* FROM repos JOIN repo_lfs_objects r ON r.repo_id = repos.id WHERE r.oid = ?",
                arguments: [oid.hex]
            ).map(SQLiteRepoStore.info)
        }
    }

    public func deletedOnPurpose(repo repoRowID: Int64) async throws -> Set<LFSObjectID> {
        let texts = try await database.read { db in
            try String.fetchAll(db, sql: "SELECT oid FROM lfs_deletions WHERE repo_id = ?", arguments: [repoRowID])
        }
        return Set(texts.compactMap { try? LFSObjectID($0) })
    }

    public func objects(after oid: LFSObjectID?, limit: Int) async throws -> [(oid: LFSObjectID, size: Int64)] {
        let rows = try await database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT oid, size FROM lfs_objects WHERE oid > ? ORDER BY oid LIMIT ?",
                arguments: [oid?.hex ?? "", limit]
            ).map { ($0["oid"] as String, $0["size"] as Int64) }
        }
        return try rows.map { (try LFSObjectID($0.0), $0.1) }
    }

    public func markUnbound(now: Date, dryRun: Bool) async throws -> Int {
        let now = RowDate.encode(now)
        let unnoted = "unbound_at IS NULL AND NOT EXISTS (SELECT 1 FROM repo_lfs_objects r WHERE r.oid = lfs_objects.oid)"
        if dryRun {
            return try await database.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM lfs_objects WHERE \(unnoted)") ?? 0
            }
        }
        return try await database.write { db in
            try db.execute(sql: "UPDATE lfs_objects SET unbound_at = ? WHERE \(unnoted)", arguments: [now])
            return db.changesCount
        }
    }

    public func sweepUnbound(before cutoff: Date, dryRun: Bool) async throws -> [(oid: LFSObjectID, size: Int64)] {
        let cutoff = RowDate.encode(cutoff)
        let condition = """
            FROM lfs_objects WHERE unbound_at < ?
            AND NOT EXISTS (SELECT 1 FROM repo_lfs_objects r WHERE r.oid = lfs_objects.oid)
            """
        let sql = dryRun ? "SELECT oid, size \(condition)" : "DELETE \(condition) RETURNING oid, size"
        let fetch: @Sendable (Database) throws -> [(String, Int64)] = { db in
            try Row.fetchAll(db, sql: sql, arguments: [cutoff]).map { ($0["oid"] as String, $0["size"] as Int64) }
        }
        // A dry run only reads: it takes a reader, not the one writer.
        let rows = dryRun ? try await database.read(fetch) : try await database.write(fetch)
        return try rows.map { (try LFSObjectID($0.0), $0.1) }
    }

    public func storedBytes() async throws -> Int64 {
        try await database.read { db in
            try Int64.fetchOne(db, sql: "SELECT COALESCE(SUM(size), 0) FROM lfs_objects") ?? 0
        }
    }

    public func createLock(path: String, refName: String?, ownerID: Int64, repo repoRowID: Int64) async throws -> LFSLock {
        let now = HubDate.now()
        return try await database.write { db in
            if let existing = try Self.lockRow(db, where: "l.repo_id = ? AND l.path = ?", [repoRowID, path]) {
                throw LFSLockConflict(existing: existing)
            }
            try db.execute(
                sql: "INSERT INTO lfs_locks (repo_id, path, ref_name, owner_id, locked_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [repoRowID, path, refName, ownerID, RowDate.encode(now)])
            guard let lock = try Self.lockRow(db, where: "l.id = ?", [db.lastInsertedRowID]) else {
                throw HubError.internalFailure("lock vanished after insert")
            }
            return lock
        }
    }

    public func lock(id: Int64, repo repoRowID: Int64) async throws -> LFSLock? {
        try await database.read { db in
            try Self.lockRow(db, where: "l.id = ? AND l.repo_id = ?", [id, repoRowID])
        }
    }

    public func lock(path: String, repo repoRowID: Int64) async throws -> LFSLock? {
        try await database.read { db in
            try Self.lockRow(db, where: "l.path = ? AND l.repo_id = ?", [path, repoRowID])
        }
    }

    public func locks(repo repoRowID: Int64, afterID: Int64, limit: Int) async throws -> [LFSLock] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: Self.lockSelect + " WHERE l.repo_id = ? AND l.id > ? ORDER BY l.id LIMIT ?",
                arguments: [repoRowID, afterID, limit]
            ).map(Self.lock)
        }
    }

    public func deleteLock(id: Int64, repo repoRowID: Int64) async throws {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM lfs_locks WHERE id = ? AND repo_id = ?", arguments: [id, repoRowID])
        }
    }

    static let lockSelect = """
        SELECT l.id, l.path, l.owner_id, l.locked_at, u.name AS owner_name
        FROM lfs_locks l JOIN users u ON u.id = l.owner_id
        """

    static func lockRow(_ db: Database, where condition: String, _ arguments: [any DatabaseValueConvertible]) throws -> LFSLock? {
        try Row.fetchOne(db, sql: lockSelect + " WHERE " + condition, arguments: StatementArguments(arguments))
            .map(lock)
    }

    static func lock(_ row: Row) -> LFSLock {
        LFSLock(
            id: row["id"], path: row["path"], ownerID: row["owner_id"], ownerName: row["owner_name"],
            lockedAt: RowDate.decode(row["locked_at"]))
    }
}
