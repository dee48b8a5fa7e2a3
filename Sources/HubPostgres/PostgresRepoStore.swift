import Foundation
import HubCore
import HubIndex
import PostgresNIO

/// The repository index on PostgreSQL; the same rules as `SQLiteRepoStore`, with PostgreSQL's own
/// full-text search (the row's `search` tsvector under a GIN index, ranked by `ts_rank`) and the
/// row cache versioned by the `index_version` row every commit bumps (so a row changed by another
/// instance is never served from this one's cache).
public struct PostgresRepoStore: RepoStore {
    let index: PostgresIndex

    public init(index: PostgresIndex) {
        self.index = index
    }

    public func create(_ repo: NewRepo, commitPoint: @Sendable (_ rowID: Int64) throws -> Void) async throws -> RepoInfo {
        let now = HubDate.now()
        let milliseconds = HubDate.milliseconds(now)
        let index = self.index
        do {
            return try await index.transaction(conflict: nil) { connection in
                try await Self.holdRepositoryMoves(index: index, on: connection)
                if let existing = try await Self.rowID(of: repo.id, index: index, on: connection) {
                    throw HubError.repoExists(existing.id)
                }
                let ids = try await index.rows(
                    """
                    INSERT INTO repos (kind, namespace, name, private, sdk, creator_id, head_commit, created_at, last_modified,
                                       mirror_fetched_at)
                    VALUES (\(repo.id.kind.rawValue), \(repo.id.namespace.value), \(repo.id.name.value), \(repo.isPrivate),
                            \(repo.sdk), \(repo.creatorID), \(repo.headCommit), \(milliseconds), \(milliseconds),
                            \(repo.mirroredAt.map { HubDate.milliseconds($0) }))
                    RETURNING id
                    """, as: (Int64).self, on: connection)
                guard let rowID = ids.first else { throw HubError.internalFailure("INSERT INTO repos returned no id") }
                // A repository created at an old name takes the name back from the renamed one.
                try await index.execute(
                    "DELETE FROM repo_redirects WHERE kind = \(repo.id.kind.rawValue) AND from_path = \(repo.id.path)::citext",
                    on: connection)
                try commitPoint(rowID)
                return RepoInfo(
                    rowID: rowID, id: repo.id, isPrivate: repo.isPrivate, sdk: repo.sdk, creatorID: repo.creatorID,
                    headCommit: repo.headCommit, createdAt: now, lastModified: now,
                    mirror: repo.mirroredAt.map { RepoMirror(fetchedAt: $0, pinned: false) })
            }
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            // Another instance created it between the check and the insert.
            throw HubError.repoExists(repo.id)
        }
    }

    public func find(_ id: RepoID, withCounters: Bool) async throws -> RepoInfo? {
        try await index.windowedCounters.ensureCurrent(index)
        let version = try await indexVersion()
        if let cached = index.repoRows.row(for: id, at: version) {
            return cached
        }
        let row = try await index.rows(
            """
            SELECT \(unescaped: PostgresRepoRow.columnsWithLFSBytes) FROM repos
            WHERE kind = \(id.kind.rawValue) AND namespace = \(id.namespace.value)::citext AND name = \(id.name.value)::citext
            """, as: PostgresRepoRow.ColumnsWithLFSBytes.self
        ).first.map { try PostgresRepoRow.info($0) }
        if let row {
            index.repoRows.store(row, for: id, at: version)
        }
        return row
    }

    public func indexVersion() async throws -> Int64 {
        try await index.versionReads.value()
    }

    public func find(rowID: Int64) async throws -> RepoInfo? {
        try await index.rows(
            "SELECT \(unescaped: PostgresRepoRow.columns) FROM repos WHERE id = \(rowID)", as: PostgresRepoRow.Columns.self
        ).first.map { try PostgresRepoRow.info($0) }
    }

    public func repositories(inNamespace namespace: HubName) async throws -> [RepoInfo] {
        try await index.rows(
            """
            SELECT \(unescaped: PostgresRepoRow.columnsWithLFSBytes) FROM repos
            WHERE namespace = \(namespace.value)::citext ORDER BY id
            """, as: PostgresRepoRow.ColumnsWithLFSBytes.self
        ).map { try PostgresRepoRow.info($0) }
    }

    public func rows(after rowID: Int64, limit: Int) async throws -> [RepoInfo] {
        try await index.rows(
            "SELECT \(unescaped: PostgresRepoRow.columns) FROM repos WHERE id > \(rowID) ORDER BY id LIMIT \(Int64(limit))",
            as: PostgresRepoRow.Columns.self
        ).map { try PostgresRepoRow.info($0) }
    }

    public func delete(_ id: RepoID) async throws -> Bool {
        let index = self.index
        return try await index.transaction { connection in
            try await Self.holdRepositoryMoves(index: index, on: connection)
            return try await !index.rows(
                """
                DELETE FROM repos
                WHERE kind = \(id.kind.rawValue) AND namespace = \(id.namespace.value)::citext AND name = \(id.name.value)::citext
                RETURNING id
                """, as: (Int64).self, on: connection
            ).isEmpty
        }
    }

    /// The advisory lock that keeps reconciliation (exclusive) apart from the transactions that
    /// move repository folders (shared): any fixed number other programs are unlikely to use.
    static let repositoryMovesLock: Int64 = 0x6D68_7265_706F_6D76  // "mhrepomv"

    /// Taken by a create, rename or delete for the rest of its transaction.
    static func holdRepositoryMoves(index: PostgresIndex, on connection: PostgresConnection) async throws {
        _ = try await index.rows("SELECT pg_advisory_xact_lock_shared(\(repositoryMovesLock))::text", as: (String).self, on: connection)
    }

    public func whileNoRepositoryMoves<Result: Sendable>(_ body: @Sendable () async throws -> Result) async throws -> Result {
        let index = self.index
        return try await index.client.withConnection { connection in
            _ = try await index.rows("SELECT pg_advisory_lock(\(Self.repositoryMovesLock))::text", as: (String).self, on: connection)
            do {
                let result = try await body()
                _ = try await index.rows("SELECT pg_advisory_unlock(\(Self.repositoryMovesLock))", as: (Bool).self, on: connection)
                return result
            } catch {
                _ = try? await index.rows("SELECT pg_advisory_unlock(\(Self.repositoryMovesLock))", as: (Bool).self, on: connection)
                throw error
            }
        }
    }

    public func updateHead(of id: RepoID, commit: String?, lastModified: Date, card: RepoCard?) async throws {
        let index = self.index
        try await index.transaction { connection in
            let ids = try await index.rows(
                """
                UPDATE repos SET head_commit = \(commit), last_modified = \(HubDate.milliseconds(lastModified))
                WHERE kind = \(id.kind.rawValue) AND namespace = \(id.namespace.value)::citext AND name = \(id.name.value)::citext
                RETURNING id
                """, as: (Int64).self, on: connection)
            if let card, let rowID = ids.first {
                try await Self.write(card, rowID: rowID, index: index, on: connection)
            }
        }
    }

    public func setPrivate(_ id: RepoID, isPrivate: Bool) async throws {
        try await index.execute(
            """
            UPDATE repos SET private = \(isPrivate)
            WHERE kind = \(id.kind.rawValue) AND namespace = \(id.namespace.value)::citext AND name = \(id.name.value)::citext
            """)
    }

    public func setGated(_ id: RepoID, mode: GatedMode?) async throws {
        try await index.execute(
            """
            UPDATE repos SET gated = \(mode?.rawValue)
            WHERE kind = \(id.kind.rawValue) AND namespace = \(id.namespace.value)::citext AND name = \(id.name.value)::citext
            """)
    }

    public func markMirrorFetched(_ id: RepoID, at date: Date, isPrivate: Bool) async throws {
        try await index.execute(
            """
            UPDATE repos SET mirror_fetched_at = \(HubDate.milliseconds(date)), private = \(isPrivate)
            WHERE kind = \(id.kind.rawValue) AND namespace = \(id.namespace.value)::citext AND name = \(id.name.value)::citext
              AND mirror_fetched_at IS NOT NULL
            """)
    }

    public func setMirrorPinned(_ id: RepoID, pinned: Bool) async throws -> Bool {
        try await !index.rows(
            """
            UPDATE repos SET mirror_pinned = \(pinned)
            WHERE kind = \(id.kind.rawValue) AND namespace = \(id.namespace.value)::citext AND name = \(id.name.value)::citext
              AND mirror_fetched_at IS NOT NULL
            RETURNING id
            """, as: (Int64).self
        ).isEmpty
    }

    public func updateCard(_ id: RepoID, card: RepoCard) async throws {
        let index = self.index
        try await index.transaction { connection in
            guard let row = try await Self.rowID(of: id, index: index, on: connection) else { return }
            try await Self.write(card, rowID: row.rowID, index: index, on: connection)
        }
    }

    /// The card's columns, tags and search words of one row.
    static func write(_ card: RepoCard, rowID: Int64, index: PostgresIndex, on connection: PostgresConnection) async throws {
        let searchCard = SearchWords.words(in: card.text).joined(separator: " ")
        let searchTags = card.tags.map(SearchWords.tagToken)
            .filter { $0.utf8.count <= PostgresRepoFilter.longestIndexedWord }.joined(separator: " ")
        try await index.execute(
            """
            UPDATE repos SET card_data = \(card.dataJSON), pipeline_tag = \(card.pipelineTag),
                library_name = \(card.libraryName), search_card = \(searchCard), search_tags = \(searchTags)
            WHERE id = \(rowID)
            """, on: connection)
        try await index.execute("DELETE FROM repo_tags WHERE repo_id = \(rowID)", on: connection)
        guard !card.tags.isEmpty else { return }
        try await index.execute(
            """
            INSERT INTO repo_tags (repo_id, tag, position)
            SELECT \(rowID), tag, position - 1 FROM unnest(\(card.tags)::text[]) WITH ORDINALITY AS t(tag, position)
            ON CONFLICT DO NOTHING
            """, on: connection)
    }

    public func rename(_ id: RepoID, to newID: RepoID, commitPoint: @Sendable () throws -> Void) async throws {
        let index = self.index
        do {
            try await index.transaction(conflict: nil) { connection in
                try await Self.holdRepositoryMoves(index: index, on: connection)
                if let existing = try await Self.rowID(of: newID, index: index, on: connection), !id.sameRepository(as: newID) {
                    throw HubError.repoExists(existing.id)
                }
                let ids = try await index.rows(
                    """
                    UPDATE repos SET kind = \(newID.kind.rawValue), namespace = \(newID.namespace.value), name = \(newID.name.value)
                    WHERE kind = \(id.kind.rawValue) AND namespace = \(id.namespace.value)::citext AND name = \(id.name.value)::citext
                    RETURNING id
                    """, as: (Int64).self, on: connection)
                guard ids.count == 1, let rowID = ids.first else { throw HubError.repoNotFound }
                if !id.sameRepository(as: newID) {
                    // The new name is the repository's own again; the old one now leads to it.
                    try await index.execute(
                        "DELETE FROM repo_redirects WHERE kind = \(newID.kind.rawValue) AND from_path = \(newID.path)::citext",
                        on: connection)
                    try await index.execute(
                        """
                        INSERT INTO repo_redirects (kind, from_path, repo_id, is_alias, created_at)
                        VALUES (\(id.kind.rawValue), \(id.path), \(rowID), FALSE, \(HubDate.milliseconds(HubDate.now())))
                        ON CONFLICT (kind, from_path) DO UPDATE
                        SET repo_id = excluded.repo_id, is_alias = FALSE, created_at = excluded.created_at
                        """, on: connection)
                }
                try commitPoint()
            }
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw HubError.repoExists(newID)
        }
    }

    public func redirect(kind: RepoKind, from path: String) async throws -> RepoInfo? {
        try await index.rows(
            """
            SELECT \(unescaped: PostgresRepoRow.columns) FROM repo_redirects JOIN repos ON repos.id = repo_redirects.repo_id
            WHERE repo_redirects.kind = \(kind.rawValue) AND repo_redirects.from_path = \(path)::citext
            """, as: PostgresRepoRow.Columns.self
        ).first.map { try PostgresRepoRow.info($0) }
    }

    public func setAlias(kind: RepoKind, name: String, to target: RepoID?) async throws {
        let index = self.index
        guard let target else {
            let removed = try await index.rows(
                """
                DELETE FROM repo_redirects WHERE kind = \(kind.rawValue) AND from_path = \(name)::citext AND is_alias
                RETURNING repo_id
                """, as: (Int64).self)
            guard !removed.isEmpty else { throw HubError.badRequest("There is no alias '\(name)'") }
            return
        }
        try await index.transaction { connection in
            guard let row = try await Self.rowID(of: target, index: index, on: connection) else { throw HubError.repoNotFound }
            try await index.execute(
                """
                INSERT INTO repo_redirects (kind, from_path, repo_id, is_alias, created_at)
                VALUES (\(kind.rawValue), \(name), \(row.rowID), TRUE, \(HubDate.milliseconds(HubDate.now())))
                ON CONFLICT (kind, from_path) DO UPDATE
                SET repo_id = excluded.repo_id, is_alias = TRUE, created_at = excluded.created_at
                """, on: connection)
        }
    }

    public func aliases() async throws -> [(kind: RepoKind, name: String, target: RepoID)] {
        try await index.rows(
            """
            SELECT repo_redirects.from_path::text, \(unescaped: PostgresRepoRow.columns) FROM repo_redirects
            JOIN repos ON repos.id = repo_redirects.repo_id
            WHERE repo_redirects.is_alias ORDER BY repo_redirects.kind, repo_redirects.from_path
            """,
            as: (String, Int64, String, String, String, Bool, String?, Int64?, String?, Int64, Int64, String?, String?, String?,
                 Int64, Int64, Int64, Int64, Int64?, Bool, String?).self
        ).map { row in
            let columns: PostgresRepoRow.Columns = (
                row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8, row.9, row.10, row.11, row.12, row.13, row.14,
                row.15, row.16, row.17, row.18, row.19, row.20)
            let info = try PostgresRepoRow.info(columns)
            return (info.id.kind, row.0, info.id)
        }
    }

    /// The row id and the stored spelling of the repository's id, if it has a row.
    static func rowID(of id: RepoID, index: PostgresIndex, on connection: PostgresConnection) async throws
        -> (rowID: Int64, id: RepoID)?
    {
        guard
            let row = try await index.rows(
                """
                SELECT id, namespace::text, name::text FROM repos
                WHERE kind = \(id.kind.rawValue) AND namespace = \(id.namespace.value)::citext AND name = \(id.name.value)::citext
                """, as: (Int64, String, String).self, on: connection
            ).first
        else { return nil }
        return (row.0, try RepoID(kind: id.kind, namespace: row.1, name: row.2))
    }
}
