import Foundation
import GRDB
import HubCore

public struct SQLiteRepoStore: RepoStore {
    let database: HubDatabase

    public init(database: HubDatabase) {
        self.database = database
    }

    public func create(_ repo: NewRepo, commitPoint: @Sendable () throws -> Void) async throws -> RepoInfo {
        let now = HubDate.now()
        return try await database.pool.write { db in
            if let existing = try Self.row(for: repo.id, in: db) {
                throw HubError.repoExists(try Self.info(existing).id)
            }
            try db.execute(
                sql: """
                    INSERT INTO repos (kind, namespace, name, private, sdk, head_commit, created_at, last_modified)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    repo.id.kind.rawValue, repo.id.namespace.value, repo.id.name.value, repo.isPrivate,
                    repo.sdk, repo.headCommit, RowDate.encode(now), RowDate.encode(now),
                ])
            let info = RepoInfo(
                rowID: db.lastInsertedRowID, id: repo.id, isPrivate: repo.isPrivate, sdk: repo.sdk,
                headCommit: repo.headCommit, createdAt: now, lastModified: now)
            try commitPoint()
            return info
        }
    }

    public func find(_ id: RepoID) async throws -> RepoInfo? {
        try await database.pool.read { db in
            try Self.row(for: id, in: db).map(Self.info)
        }
    }

    public func delete(_ id: RepoID) async throws -> Bool {
        try await database.pool.write { db in
            try db.execute(
                sql: "DELETE FROM repos WHERE kind = ? AND namespace = ? AND name = ?",
                arguments: [id.kind.rawValue, id.namespace.value, id.name.value])
            return db.changesCount > 0
        }
    }

    public func updateHead(of id: RepoID, commit: String?, lastModified: Date) async throws {
        try await database.pool.write { db in
            try db.execute(
                sql: "UPDATE repos SET head_commit = ?, last_modified = ? WHERE kind = ? AND namespace = ? AND name = ?",
                arguments: [commit, RowDate.encode(lastModified), id.kind.rawValue, id.namespace.value, id.name.value])
        }
    }

    public func setPrivate(_ id: RepoID, isPrivate: Bool) async throws {
        try await database.pool.write { db in
            try db.execute(
                sql: "UPDATE repos SET private = ? WHERE kind = ? AND namespace = ? AND name = ?",
                arguments: [isPrivate, id.kind.rawValue, id.namespace.value, id.name.value])
        }
    }

    public func rename(_ id: RepoID, to newID: RepoID, commitPoint: @Sendable () throws -> Void) async throws {
        try await database.pool.write { db in
            if let existing = try Self.row(for: newID, in: db), !(id.sameRepository(as: newID)) {
                throw HubError.repoExists(try Self.info(existing).id)
            }
            try db.execute(
                sql: "UPDATE repos SET kind = ?, namespace = ?, name = ? WHERE kind = ? AND namespace = ? AND name = ?",
                arguments: [
                    newID.kind.rawValue, newID.namespace.value, newID.name.value, id.kind.rawValue, id.namespace.value,
                    id.name.value,
                ])
            guard db.changesCount == 1 else { throw HubError.repoNotFound }
            try commitPoint()
        }
    }

    private static func row(for id: RepoID, in db: Database) throws -> Row? {
        try Row.fetchOne(
            db, sql: "SELECT * FROM repos WHERE kind = ? AND namespace = ? AND name = ?",
            arguments: [id.kind.rawValue, id.namespace.value, id.name.value])
    }

    static func info(_ row: Row) throws -> RepoInfo {
        guard let kind = RepoKind(rawValue: row["kind"]) else {
            throw HubError.internalFailure("repo row \(row["id"] as Int64) has an unknown kind")
        }
        return RepoInfo(
            rowID: row["id"], id: try RepoID(kind: kind, namespace: row["namespace"], name: row["name"]),
            isPrivate: row["private"], sdk: row["sdk"], headCommit: row["head_commit"],
            createdAt: RowDate.decode(row["created_at"]), lastModified: RowDate.decode(row["last_modified"]))
    }
}
