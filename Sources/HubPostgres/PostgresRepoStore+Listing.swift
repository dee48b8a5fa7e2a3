import HubCore
import HubIndex
import PostgresNIO

/// Listings, counts and facets: one `PostgresRepoFilter` makes their FROM and WHERE.
extension PostgresRepoStore {
    public func search(_ query: RepoQuery) async throws -> (repos: [RepoInfo], hasMore: Bool) {
        var filter = PostgresRepoFilter(query, completions: try await completions(of: query))
        guard !filter.matchesNothing else { return ([], false) }
        let ascending = query.ascending
        let order: String
        switch query.order {
        case .lastModified: order = "repos.last_modified"
        case .createdAt: order = "repos.created_at"
        case .downloads: order = "repos.downloads_30d"
        case .likes: order = "repos.likes"
        case .trendingScore: order = "repos.trending"
        case .relevance:
            if let text = filter.rankQuery {
                // Best first (a higher rank), then the oldest row, as SQLite's bm25 order does.
                order = "-ts_rank(repos.search, to_tsquery('simple', \(filter.bind(text))))"
            } else {
                order = "repos.last_modified"
            }
        }
        let direction = ascending || query.order == .relevance ? "ASC" : "DESC"
        // Two steps: the page's ids first (ordering only what it must), then the rows with their
        // LFS bytes and tags, so the aggregate runs for the page, not for every match.
        let limit = filter.bind(Int64(query.limit + 1))
        let offset = filter.bind(Int64(query.offset))
        try await index.windowedCounters.ensureCurrent(index)
        let ids = try await index.rows(
            filter.query(
                """
                SELECT repos.id FROM repos WHERE \(filter.whereClause)
                ORDER BY \(order) \(direction), repos.id \(direction) LIMIT \(limit) OFFSET \(offset)
                """), as: (Int64).self)
        let page = Array(ids.prefix(query.limit))
        guard !page.isEmpty else { return ([], false) }
        var tags: [Int64: [String]] = [:]
        for row in try await index.rows(
            "SELECT repo_id, tag FROM repo_tags WHERE repo_id = ANY(\(page)) ORDER BY repo_id, position", as: (Int64, String).self)
        {
            tags[row.0, default: []].append(row.1)
        }
        var byID: [Int64: RepoInfo] = [:]
        for row in try await index.rows(
            "SELECT \(unescaped: PostgresRepoRow.columnsWithLFSBytes) FROM repos WHERE id = ANY(\(page))",
            as: PostgresRepoRow.ColumnsWithLFSBytes.self)
        {
            byID[row.0] = try PostgresRepoRow.info(row, tags: tags[row.0] ?? [])
        }
        return (page.compactMap { byID[$0] }, ids.count > query.limit)
    }

    public func count(_ query: RepoQuery) async throws -> Int {
        let filter = PostgresRepoFilter(query, completions: try await completions(of: query))
        guard !filter.matchesNothing else { return 0 }
        let counts = try await index.rows(
            filter.query("SELECT COUNT(*) FROM repos WHERE \(filter.whereClause)"), as: (Int64).self)
        return Int(counts.first ?? 0)
    }

    public func facets(_ query: RepoQuery, limit: Int) async throws -> RepoFacets {
        var facets = RepoFacets()
        var base = PostgresRepoFilter(query, completions: try await completions(of: query))
        guard !base.matchesNothing else { return facets }
        let limitPlaceholder = base.bind(Int64(limit))
        let filter = base
        // Tasks and libraries are columns; languages and licenses are prefixed tags.
        let sqls = ["pipeline_tag", "library_name"].map { name in
            """
            SELECT repos.\(name), COUNT(*) FROM repos WHERE \(filter.whereClause) AND repos.\(name) IS NOT NULL
            GROUP BY 1 ORDER BY 2 DESC, repos.\(name) COLLATE "C" LIMIT \(limitPlaceholder)
            """
        } + ["language:", "license:"].map { prefix in
            """
            SELECT substr(t.tag, \(prefix.count + 1)), COUNT(*) FROM repos JOIN repo_tags t ON t.repo_id = repos.id
            WHERE \(filter.whereClause) AND t.tag LIKE '\(prefix)%'
            GROUP BY 1 ORDER BY 2 DESC, substr(t.tag, \(prefix.count + 1)) COLLATE "C" LIMIT \(limitPlaceholder)
            """
        }
        var lists: [[(value: String, count: Int)]] = []
        for sql in sqls {
            lists.append(try await index.rows(filter.query(sql), as: (String, Int64).self).map { ($0.0, Int($0.1)) })
        }
        (facets.tasks, facets.libraries, facets.languages, facets.licenses) = (lists[0], lists[1], lists[2], lists[3])
        return facets
    }
}
