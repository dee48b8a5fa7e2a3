import Foundation
import HubCore
import HubIndex
import PostgresNIO

/// LFS objects, their bindings to repositories and the repositories' file locks, on PostgreSQL;
/// the same rules as `SQLiteLFSStore`.
public struct PostgresLFSStore: LFSStore {
    let index: PostgresIndex

    public init(index: PostgresIndex) {
        self.index = index
    }

    public func bind(_ oid: LFSObjectID, size: Int64, toRepo repoRowID: Int64) async throws {
        let now = HubDate.milliseconds(HubDate.now())
        let index = self.index
        try await index.transaction { connection in
            try await index.execute(
                """
                INSERT INTO lfs_objects (oid, size, created_at) VALUES (\(oid.hex), \(size), \(now))
                ON CONFLICT (oid) DO UPDATE SET unbound_at = NULL
                """, on: connection)
            try await index.execute(
                """
                INSERT INTO repo_lfs_objects (repo_id, oid, created_at) VALUES (\(repoRowID), \(oid.hex), \(now))
                ON CONFLICT DO NOTHING
                """, on: connection)
            try await index.execute(
                "DELETE FROM lfs_deletions WHERE repo_id = \(repoRowID) AND oid = \(oid.hex)", on: connection)
        }
    }

    public func boundObjects(_ oids: [LFSObjectID], repo repoRowID: Int64) async throws -> [LFSObjectID: Int64] {
        guard !oids.isEmpty else { return [:] }
        var found: [LFSObjectID: Int64] = [:]
        for (oid, size) in try await index.rows(
            """
            SELECT o.oid, o.size FROM repo_lfs_objects r JOIN lfs_objects o ON o.oid = r.oid
            WHERE r.repo_id = \(repoRowID) AND r.oid = ANY(\(oids.map(\.hex))::text[])
            """, as: (String, Int64).self)
        {
            found[try LFSObjectID(oid)] = size
        }
        return found
    }

    public func boundObjects(repo repoRowID: Int64) async throws -> [BoundLFSObject] {
        try await index.rows(
            """
            SELECT o.oid, o.size, r.created_at FROM repo_lfs_objects r JOIN lfs_objects o ON o.oid = r.oid
            WHERE r.repo_id = \(repoRowID) ORDER BY r.created_at DESC, o.oid
            """, as: (String, Int64, Int64).self
        ).map { BoundLFSObject(oid: try LFSObjectID($0.0), size: $0.1, boundAt: HubDate.date(milliseconds: $0.2)) }
    }

    public func unbind(_ oids: [LFSObjectID], repo repoRowID: Int64, onPurpose: Bool) async throws -> [LFSObjectID] {
        let index = self.index
        let now = HubDate.milliseconds(HubDate.now())
        return try await index.transaction { connection in
            var orphans: [LFSObjectID] = []
            for oid in oids {
                guard try await !index.rows(
                    "DELETE FROM repo_lfs_objects WHERE repo_id = \(repoRowID) AND oid = \(oid.hex) RETURNING oid",
                    as: (String).self, on: connection
                ).isEmpty else { continue }
                if onPurpose {
                    try await index.execute(
                        """
                        INSERT INTO lfs_deletions (repo_id, oid, deleted_at) VALUES (\(repoRowID), \(oid.hex), \(now))
                        ON CONFLICT (repo_id, oid) DO UPDATE SET deleted_at = EXCLUDED.deleted_at
                        """, on: connection)
                }
                // The object's row is deleted only if no other repository binds it (and the foreign
                // key refuses to delete one that a binding made at this very moment still needs).
                if try await !index.rows(
                    """
                    DELETE FROM lfs_objects WHERE oid = \(oid.hex)
                    AND NOT EXISTS (SELECT 1 FROM repo_lfs_objects WHERE oid = \(oid.hex)) RETURNING oid
                    """, as: (String).self, on: connection
                ).isEmpty {
                    orphans.append(oid)
                }
            }
            return orphans
        }
    }

    public func repos(containing oid: LFSObjectID) async throws -> [RepoInfo] {
        try await index.rows(
            """
            SELECT \(unescaped: PostgresRepoRow.columns) FROM repos JOIN repo_lfs_objects r ON r.repo_id = repos.id
            WHERE r.oid = \(oid.hex) ORDER BY repos.id
            """, as: PostgresRepoRow.Columns.self
        ).map { try PostgresRepoRow.info($0) }
    }

    public func deletedOnPurpose(repo repoRowID: Int64) async throws -> Set<LFSObjectID> {
        Set(
            try await index.rows("SELECT oid FROM lfs_deletions WHERE repo_id = \(repoRowID)", as: (String).self)
                .compactMap { try? LFSObjectID($0) })
    }

    public func objects(after oid: LFSObjectID?, limit: Int) async throws -> [(oid: LFSObjectID, size: Int64)] {
        try await index.rows(
            """
            SELECT oid, size FROM lfs_objects WHERE oid > \(oid?.hex ?? "") ORDER BY oid LIMIT \(Int64(limit))
            """, as: (String, Int64).self
        ).map { (try LFSObjectID($0.0), $0.1) }
    }

    public func markUnbound(now: Date, dryRun: Bool) async throws -> Int {
        if dryRun {
            let counts = try await index.rows(
                """
                SELECT COUNT(*) FROM lfs_objects WHERE unbound_at IS NULL
                AND NOT EXISTS (SELECT 1 FROM repo_lfs_objects r WHERE r.oid = lfs_objects.oid)
                """, as: (Int64).self)
            return Int(counts.first ?? 0)
        }
        return try await index.rows(
            """
            UPDATE lfs_objects SET unbound_at = \(HubDate.milliseconds(now)) WHERE unbound_at IS NULL
            AND NOT EXISTS (SELECT 1 FROM repo_lfs_objects r WHERE r.oid = lfs_objects.oid) RETURNING oid
            """, as: (String).self
        ).count
    }

    public func sweepUnbound(before cutoff: Date, dryRun: Bool) async throws -> [(oid: LFSObjectID, size: Int64)] {
        let cutoff = HubDate.milliseconds(cutoff)
        let rows =
            if dryRun {
                try await index.rows(
                    """
                    SELECT oid, size FROM lfs_objects WHERE unbound_at < \(cutoff)
                    AND NOT EXISTS (SELECT 1 FROM repo_lfs_objects r WHERE r.oid = lfs_objects.oid)
                    """, as: (String, Int64).self)
            } else {
                try await index.rows(
                    """
                    DELETE FROM lfs_objects WHERE unbound_at < \(cutoff)
                    AND NOT EXISTS (SELECT 1 FROM repo_lfs_objects r WHERE r.oid = lfs_objects.oid) RETURNING oid, size
                    """, as: (String, Int64).self)
            }
        return try rows.map { (try LFSObjectID($0.0), $0.1) }
    }

    public func storedBytes() async throws -> Int64 {
        try await index.rows("SELECT COALESCE(SUM(size), 0)::bigint FROM lfs_objects", as: (Int64).self).first ?? 0
    }

    // MARK: Locks

    typealias LockColumns = (Int64, String, Int64, Int64, String)
    static let lockSelect = """
        SELECT l.id, l.path, l.owner_id, l.locked_at, u.name::text FROM lfs_locks l JOIN users u ON u.id = l.owner_id
        """

    public func createLock(path: String, refName: String?, ownerID: Int64, repo repoRowID: Int64) async throws -> LFSLock {
        let now = HubDate.milliseconds(HubDate.now())
        let inserted = try await index.rows(
            """
            INSERT INTO lfs_locks (repo_id, path, ref_name, owner_id, locked_at)
            VALUES (\(repoRowID), \(path), \(refName), \(ownerID), \(now))
            ON CONFLICT (repo_id, path) DO NOTHING RETURNING id
            """, as: (Int64).self)
        guard let id = inserted.first else {
            // Someone holds it (perhaps since a moment ago, on another instance).
            guard let existing = try await lock(path: path, repo: repoRowID) else {
                throw HubError.conflict("The path was locked and unlocked while this lock was being taken: try again")
            }
            throw LFSLockConflict(existing: existing)
        }
        guard let lock = try await lock(id: id, repo: repoRowID) else {
            throw HubError.internalFailure("lock vanished after insert")
        }
        return lock
    }

    public func lock(id: Int64, repo repoRowID: Int64) async throws -> LFSLock? {
        try await index.rows(
            "\(unescaped: Self.lockSelect) WHERE l.id = \(id) AND l.repo_id = \(repoRowID)", as: LockColumns.self
        ).first.map(Self.lock)
    }

    public func lock(path: String, repo repoRowID: Int64) async throws -> LFSLock? {
        try await index.rows(
            "\(unescaped: Self.lockSelect) WHERE l.path = \(path) AND l.repo_id = \(repoRowID)", as: LockColumns.self
        ).first.map(Self.lock)
    }

    public func locks(repo repoRowID: Int64, afterID: Int64, limit: Int) async throws -> [LFSLock] {
        try await index.rows(
            """
            \(unescaped: Self.lockSelect) WHERE l.repo_id = \(repoRowID) AND l.id > \(afterID)
            ORDER BY l.id LIMIT \(Int64(limit))
            """, as: LockColumns.self
        ).map(Self.lock)
    }

    public func deleteLock(id: Int64, repo repoRowID: Int64) async throws {
        try await index.execute("DELETE FROM lfs_locks WHERE id = \(id) AND repo_id = \(repoRowID)")
    }

    static func lock(_ row: LockColumns) -> LFSLock {
        LFSLock(id: row.0, path: row.1, ownerID: row.2, ownerName: row.4, lockedAt: HubDate.date(milliseconds: row.3))
    }
}
