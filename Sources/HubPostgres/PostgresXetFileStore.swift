import Foundation
import HubCore
import HubIndex
import NIOCore
import PostgresNIO
import XetCore

/// Files uploaded through Xet and the dedup index, on PostgreSQL; the same rules as
/// `SQLiteXetFileStore`.
public struct PostgresXetFileStore: XetFileStore {
    let index: PostgresIndex

    public init(index: PostgresIndex) {
        self.index = index
    }

    typealias FileColumns = (String, String, Int64, ByteBuffer, Int64)
    static let fileColumns = "hash, sha256, size, terms, created_at"

    public func register(_ file: XetFile, bindingTo repoRowID: Int64) async throws {
        let now = HubDate.milliseconds(HubDate.now())
        let terms = ByteBuffer(bytes: XetTermsColumn.encode(file.terms))
        let index = self.index
        try await index.transaction { connection in
            try await index.execute(
                """
                INSERT INTO xet_files (hash, sha256, size, terms, created_at)
                VALUES (\(file.hash.xetString), \(file.sha256.hex), \(file.size), \(terms), \(now))
                ON CONFLICT (hash) DO NOTHING
                """, on: connection)
            try await index.execute(
                """
                INSERT INTO lfs_objects (oid, size, created_at) VALUES (\(file.sha256.hex), \(file.size), \(now))
                ON CONFLICT (oid) DO NOTHING
                """, on: connection)
            try await index.execute(
                """
                INSERT INTO repo_lfs_objects (repo_id, oid, created_at) VALUES (\(repoRowID), \(file.sha256.hex), \(now))
                ON CONFLICT DO NOTHING
                """, on: connection)
        }
    }

    public func file(sha256: LFSObjectID) async throws -> XetFile? {
        try await index.rows(
            """
            SELECT \(unescaped: Self.fileColumns) FROM xet_files WHERE sha256 = \(sha256.hex)
            ORDER BY created_at, hash LIMIT 1
            """, as: FileColumns.self
        ).first.map(Self.file)
    }

    public func file(hash: MerkleHash) async throws -> XetFile? {
        try await index.rows(
            "SELECT \(unescaped: Self.fileColumns) FROM xet_files WHERE hash = \(hash.xetString)", as: FileColumns.self
        ).first.map(Self.file)
    }

    public func indexForDedup(_ chunks: [(chunk: MerkleHash, xorb: MerkleHash)], file: MerkleHash) async throws {
        guard !chunks.isEmpty else { return }
        let now = HubDate.milliseconds(HubDate.now())
        // One statement for all of them: the chunk, xorb and file columns as arrays, unnested.
        let chunkColumn = chunks.map(\.chunk.xetString)
        let xorbColumn = chunks.map(\.xorb.xetString)
        try await index.execute(
            """
            INSERT INTO xet_dedup_chunks (chunk, xorb, file, created_at)
            SELECT chunk, xorb, \(file.xetString), \(now) FROM unnest(\(chunkColumn)::text[], \(xorbColumn)::text[]) AS t(chunk, xorb)
            ON CONFLICT (chunk) DO NOTHING
            """)
    }

    public func dedupEntry(for chunk: MerkleHash) async throws -> (xorb: MerkleHash, file: MerkleHash)? {
        guard let row = try await index.rows(
            "SELECT xorb, file FROM xet_dedup_chunks WHERE chunk = \(chunk.xetString)", as: (String, String).self
        ).first, let xorb = MerkleHash(xetString: row.0), let file = MerkleHash(xetString: row.1)
        else { return nil }
        return (xorb, file)
    }

    public func allFiles() async throws -> [(file: XetFile, registered: Date)] {
        try await index.rows(
            "SELECT \(unescaped: Self.fileColumns) FROM xet_files ORDER BY created_at, hash", as: FileColumns.self
        ).map { (try Self.file($0), HubDate.date(milliseconds: $0.4)) }
    }

    public func deleteIfUnbound(_ hash: MerkleHash, registeredBefore cutoff: Date) async throws -> Bool {
        let index = self.index
        return try await index.transaction { connection in
            // The file's row is locked: a registration of the same file at this moment waits for the
            // delete to commit, then registers it anew (with its binding).
            guard let sha256 = try await index.rows(
                """
                SELECT sha256 FROM xet_files f WHERE hash = \(hash.xetString) AND created_at < \(HubDate.milliseconds(cutoff))
                AND NOT EXISTS (SELECT 1 FROM repo_lfs_objects b WHERE b.oid = f.sha256) FOR UPDATE
                """, as: (String).self, on: connection
            ).first else { return false }
            try await index.execute("DELETE FROM xet_dedup_chunks WHERE file = \(hash.xetString)", on: connection)
            try await index.execute("DELETE FROM xet_files WHERE hash = \(hash.xetString)", on: connection)
            try await index.execute(
                """
                DELETE FROM lfs_objects WHERE oid = \(sha256)
                AND NOT EXISTS (SELECT 1 FROM repo_lfs_objects WHERE oid = \(sha256))
                """, on: connection)
            return true
        }
    }

    static func file(_ row: FileColumns) throws -> XetFile {
        guard let hash = MerkleHash(xetString: row.0) else {
            throw HubError.internalFailure("a stored Xet file hash is damaged")
        }
        return XetFile(
            hash: hash, sha256: try LFSObjectID(row.1), size: row.2,
            terms: try XetTermsColumn.decode(Array(row.3.readableBytesView)))
    }
}
