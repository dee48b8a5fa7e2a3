import Foundation
import GRDB
import HubCore
import HubIndex
import XetCore

public struct SQLiteXetFileStore: XetFileStore {
    let database: HubDatabase

    public init(database: HubDatabase) {
        self.database = database
    }

    public func register(_ file: XetFile, bindingTo repoRowID: Int64) async throws {
        let now = RowDate.encode(HubDate.now())
        let terms = XetTermsColumn.encode(file.terms)
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO xet_files (hash, sha256, size, terms, created_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (hash) DO NOTHING
                    """,
                arguments: [file.hash.xetString, file.sha256.hex, file.size, Data(terms), now])
            try db.execute(
                sql: "INSERT INTO lfs_objects (oid, size, created_at) VALUES (?, ?, ?) ON CONFLICT (oid) DO NOTHING",
                arguments: [file.sha256.hex, file.size, now])
            try db.execute(
                sql: "INSERT INTO repo_lfs_objects (repo_id, oid, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                arguments: [repoRowID, file.sha256.hex, now])
        }
    }

    public func file(sha256: LFSObjectID) async throws -> XetFile? {
        try await database.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM xet_files WHERE sha256 = ? ORDER BY created_at, hash LIMIT 1",
                arguments: [sha256.hex]
            ).map(Self.file(from:))
        }
    }

    public func file(hash: MerkleHash) async throws -> XetFile? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM xet_files WHERE hash = ?", arguments: [hash.xetString])
                .map(Self.file(from:))
        }
    }

    public func indexForDedup(_ chunks: [(chunk: MerkleHash, xorb: MerkleHash)], file: MerkleHash) async throws {
        guard !chunks.isEmpty else { return }
        let now = RowDate.encode(HubDate.now())
        try await database.write { db in
            for (chunk, xorb) in chunks {
                try db.execute(
                    sql: """
                        INSERT INTO xet_dedup_chunks (chunk, xorb, file, created_at) VALUES (?, ?, ?, ?)
                        ON CONFLICT (chunk) DO NOTHING
                        """,
                    arguments: [chunk.xetString, xorb.xetString, file.xetString, now])
            }
        }
    }

    public func dedupEntry(for chunk: MerkleHash) async throws -> (xorb: MerkleHash, file: MerkleHash)? {
        let row = try await database.read { db -> (xorb: String, file: String)? in
            try Row.fetchOne(db, sql: "SELECT xorb, file FROM xet_dedup_chunks WHERE chunk = ?", arguments: [chunk.xetString])
                .map { ($0["xorb"], $0["file"]) }
        }
        guard let row, let xorb = MerkleHash(xetString: row.xorb), let file = MerkleHash(xetString: row.file)
        else { return nil }
        return (xorb, file)
    }

    public func allFiles() async throws -> [(file: XetFile, registered: Date)] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM xet_files ORDER BY created_at, hash").map {
                (try Self.file(from: $0), RowDate.decode($0["created_at"]))
            }
        }
    }

    public func deleteIfUnbound(_ hash: MerkleHash, registeredBefore cutoff: Date) async throws -> Bool {
        try await database.write { db in
            guard let sha256 = try String.fetchOne(
                db,
                sql: """
                    SELECT sha256 FROM xet_files f WHERE hash = ? AND created_at < ?
                    AND NOT EXISTS (SELECT 1 FROM repo_lfs_objects b WHERE b.oid = f.sha256)
                    """,
                arguments: [hash.xetString, RowDate.encode(cutoff)])
            else { return false }
            try db.execute(sql: "DELETE FROM xet_dedup_chunks WHERE file = ?", arguments: [hash.xetString])
            try db.execute(sql: "DELETE FROM xet_files WHERE hash = ?", arguments: [hash.xetString])
            try db.execute(
                sql: "DELETE FROM lfs_objects WHERE oid = ? AND NOT EXISTS (SELECT 1 FROM repo_lfs_objects WHERE oid = ?)",
                arguments: [sha256, sha256])
            return true
        }
    }

    static func file(from row: Row) throws -> XetFile {
        guard let hash = MerkleHash(xetString: row["hash"] as String) else {
            throw HubError.internalFailure("a stored Xet file hash is damaged")
        }
        let terms: Data = row["terms"]
        return XetFile(hash: hash, sha256: try LFSObjectID(row["sha256"]), size: row["size"], terms: try XetTermsColumn.decode(Array(terms)))
    }
}
