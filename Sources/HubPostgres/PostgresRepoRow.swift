import HubCore

/// A `repos` row as the PostgreSQL stores select it, and the `RepoInfo` it makes (as
/// `SQLiteRepoStore.info` does for SQLite's rows).
enum PostgresRepoRow {
    static let columns = """
        repos.id, repos.kind, repos.namespace::text, repos.name::text, repos.private, repos.sdk, repos.creator_id,
        repos.head_commit, repos.created_at, repos.last_modified, repos.card_data, repos.pipeline_tag, repos.library_name,
        repos.downloads_30d, repos.downloads_all_time, repos.likes, repos.trending, repos.mirror_fetched_at,
        repos.mirror_pinned, repos.gated
        """

    typealias Columns = (
        Int64, String, String, String, Bool, String?, Int64?, String?, Int64, Int64, String?, String?, String?,
        Int64, Int64, Int64, Int64, Int64?, Bool, String?
    )

    /// The columns and, last, the LFS bytes bound to the repository. Only for the rows returned:
    /// it aggregates.
    static let columnsWithLFSBytes = columns + """
        , (SELECT COALESCE(SUM(o.size), 0)::bigint FROM repo_lfs_objects b JOIN lfs_objects o ON o.oid = b.oid
           WHERE b.repo_id = repos.id)
        """

    typealias ColumnsWithLFSBytes = (
        Int64, String, String, String, Bool, String?, Int64?, String?, Int64, Int64, String?, String?, String?,
        Int64, Int64, Int64, Int64, Int64?, Bool, String?, Int64
    )

    static func info(_ row: Columns, tags: [String] = [], lfsBytes: Int64 = 0) throws -> RepoInfo {
        guard let kind = RepoKind(rawValue: row.1) else {
            throw HubError.internalFailure("repo row \(row.0) has an unknown kind")
        }
        return RepoInfo(
            rowID: row.0, id: try RepoID(kind: kind, namespace: row.2, name: row.3), isPrivate: row.4, sdk: row.5,
            creatorID: row.6, headCommit: row.7, createdAt: HubDate.date(milliseconds: row.8),
            lastModified: HubDate.date(milliseconds: row.9),
            card: RepoCard(dataJSON: row.10, tags: tags, pipelineTag: row.11, libraryName: row.12),
            counters: RepoCounters(
                downloads: row.13, downloadsAllTime: row.14, likes: row.15, trendingScore: row.16, lfsBytes: lfsBytes),
            mirror: row.17.map { RepoMirror(fetchedAt: HubDate.date(milliseconds: $0), pinned: row.18) },
            gated: row.19.flatMap(GatedMode.init(rawValue:)))
    }

    static func info(_ row: ColumnsWithLFSBytes, tags: [String] = []) throws -> RepoInfo {
        try info(
            (row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8, row.9, row.10, row.11, row.12, row.13,
             row.14, row.15, row.16, row.17, row.18, row.19), tags: tags, lfsBytes: row.20)
    }
}
