import Foundation
import GRDB
import HubCore
import HubIndex

public struct SQLiteRepoStore: RepoStore {
    let database: HubDatabase

    public init(database: HubDatabase) {
        self.database = database
    }

    public func create(_ repo: NewRepo, commitPoint: @Sendable (_ rowID: Int64) throws -> Void) async throws -> RepoInfo {
        let now = HubDate.now()
        return try await database.write { db in
            if let existing = try Self.row(for: repo.id, in: db) {
                throw HubError.repoExists(try Self.info(existing).id)
            }
            try db.execute(
                sql: """
                    INSERT INTO repos (kind, namespace, name, private, sdk, creator_id, head_commit, created_at, last_modified,
                                       mirror_fetched_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    repo.id.kind.rawValue, repo.id.namespace.value, repo.id.name.value, repo.isPrivate,
                    repo.sdk, repo.creatorID, repo.headCommit, RowDate.encode(now), RowDate.encode(now),
                    repo.mirroredAt.map(RowDate.encode),
                ])
            let rowID = db.lastInsertedRowID
            // A repository created at an old name takes the name back from the renamed one.
            try db.execute(
                sql: "DELETE FROM repo_redirects WHERE kind = ? AND from_path = ?",
                arguments: [repo.id.kind.rawValue, repo.id.path])
            let info = RepoInfo(
                rowID: rowID, id: repo.id, isPrivate: repo.isPrivate, sdk: repo.sdk,
                creatorID: repo.creatorID, headCommit: repo.headCommit, createdAt: now, lastModified: now,
                mirror: repo.mirroredAt.map { RepoMirror(fetchedAt: $0, pinned: false) })
            try commitPoint(info.rowID)
            return info
        }
    }

    public func find(_ id: RepoID, withCounters: Bool) async throws -> RepoInfo? {
        try await database.windowedCounters.ensureCurrent(in: database.pool)
        let version = try database.dataVersion.currentVersion()
        if let cached = database.repoRows.row(for: id, at: version) {
            return cached
        }
        let row = try await database.read { db in
            // A cached statement: compiling it again on every request was a tenth of a file
            // request's time.
            let statement = try db.cachedStatement(
                sql: "SELECT repos.*, \(Self.lfsBytesSelect) FROM repos WHERE kind = ? AND namespace = ? AND name = ?")
            return try Row.fetchOne(
                statement, arguments: [id.kind.rawValue, id.namespace.value, id.name.value]
            ).map(Self.info)
        }
        if let row {
            database.repoRows.store(row, for: id, at: version)
        }
        return row
    }

    /// The embedded index has one server per data folder, and it reconciles before it serves:
    /// nothing else moves repositories meanwhile.
    public func whileNoRepositoryMoves<Result: Sendable>(_ body: @Sendable () async throws -> Result) async throws -> Result {
        try await body()
    }

    public func indexVersion() async throws -> Int64 {
        try database.dataVersion.currentVersion()
    }

    public func find(rowID: Int64) async throws -> RepoInfo? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM repos WHERE id = ?", arguments: [rowID]).map(Self.info)
        }
    }

    public func repositories(inNamespace namespace: HubName) async throws -> [RepoInfo] {
        try await database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT repos.*, \(Self.lfsBytesSelect) FROM repos WHERE namespace = ? ORDER BY id",
                arguments: [namespace.value]
            ).map(Self.info)
        }
    }

    public func rows(after rowID: Int64, limit: Int) async throws -> [RepoInfo] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM repos WHERE id > ? ORDER BY id LIMIT ?", arguments: [rowID, limit])
                .map(Self.info)
        }
    }

    public func delete(_ id: RepoID) async throws -> Bool {
        try await database.write { db in
            try db.execute(
                sql: "DELETE FROM repos WHERE kind = ? AND namespace = ? AND name = ?",
                arguments: [id.kind.rawValue, id.namespace.value, id.name.value])
            return db.changesCount > 0
        }
    }

    public func updateHead(of id: RepoID, commit: String?, lastModified: Date, card: RepoCard?) async throws {
        try await database.write { db in
            try db.execute(
                sql: "UPDATE repos SET head_commit = ?, last_modified = ? WHERE kind = ? AND namespace = ? AND name = ?",
                arguments: [commit, RowDate.encode(lastModified), id.kind.rawValue, id.namespace.value, id.name.value])
            if let card, let row = try Self.row(for: id, in: db) {
                try Self.write(card, rowID: row["id"], in: db)
            }
        }
    }

    public func setPrivate(_ id: RepoID, isPrivate: Bool) async throws {
        try await database.write { db in
            try db.execute(
                sql: "UPDATE repos SET private = ? WHERE kind = ? AND namespace = ? AND name = ?",
                arguments: [isPrivate, id.kind.rawValue, id.namespace.value, id.name.value])
        }
    }

    public func setGated(_ id: RepoID, mode: GatedMode?) async throws {
        try await database.write { db in
            try db.execute(
                sql: "UPDATE repos SET gated = ? WHERE kind = ? AND namespace = ? AND name = ?",
                arguments: [mode?.rawValue, id.kind.rawValue, id.namespace.value, id.name.value])
        }
    }

    public func markMirrorFetched(_ id: RepoID, at date: Date, isPrivate: Bool) async throws {
        try await database.write { db in
            try db.execute(
                sql: """
                    UPDATE repos SET mirror_fetched_at = ?, private = ?
                    WHERE kind = ? AND namespace = ? AND name = ? AND mirror_fetched_at IS NOT NULL
                    """,
                arguments: [RowDate.encode(date), isPrivate, id.kind.rawValue, id.namespace.value, id.name.value])
        }
    }

    public func setMirrorPinned(_ id: RepoID, pinned: Bool) async throws -> Bool {
        try await database.write { db in
            try db.execute(
                sql: """
                    UPDATE repos SET mirror_pinned = ?
                    WHERE kind = ? AND namespace = ? AND name = ? AND mirror_fetched_at IS NOT NULL
                    """,
                arguments: [pinned, id.kind.rawValue, id.namespace.value, id.name.value])
            return db.changesCount > 0
        }
    }

    public func rename(_ id: RepoID, to newID: RepoID, commitPoint: @Sendable () throws -> Void) async throws {
        try await database.write { db in
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
            if !id.sameRepository(as: newID) {
                // The new name is the repository's own again; the old one now leads to it.
                guard let row = try Self.row(for: newID, in: db) else { throw HubError.repoNotFound }
                let rowID: Int64 = row["id"]
                try db.execute(
                    sql: "DELETE FROM repo_redirects WHERE kind = ? AND from_path = ?",
                    arguments: [newID.kind.rawValue, newID.path])
                try db.execute(
                    sql: """
                        INSERT OR REPLACE INTO repo_redirects (kind, from_path, repo_id, is_alias, created_at)
                        VALUES (?, ?, ?, 0, ?)
                        """,
                    arguments: [id.kind.rawValue, id.path, rowID, RowDate.encode(HubDate.now())])
            }
            try commitPoint()
        }
    }

    public func updateCard(_ id: RepoID, card: RepoCard) async throws {
        try await database.write { db in
            guard let row = try Self.row(for: id, in: db) else { return }
            try Self.write(card, rowID: row["id"], in: db)
        }
    }

    /// The card's columns, tags and search text of one row.
    static func write(_ card: RepoCard, rowID: Int64, in db: Database) throws {
        try db.execute(
            sql: "UPDATE repos SET card_data = ?, pipeline_tag = ?, library_name = ? WHERE id = ?",
            arguments: [card.dataJSON, card.pipelineTag, card.libraryName, rowID])
        try db.execute(sql: "DELETE FROM repo_tags WHERE repo_id = ?", arguments: [rowID])
        for (position, tag) in card.tags.enumerated() {
            try db.execute(
                sql: "INSERT OR IGNORE INTO repo_tags (repo_id, tag, position) VALUES (?, ?, ?)",
                arguments: [rowID, tag, position])
        }
        try db.execute(
            sql: "UPDATE repo_search SET card = ?, tags = ? WHERE rowid = ?",
            arguments: [card.text, card.tags.map(Self.tagToken).joined(separator: " "), rowID])
    }

    /// The FROM and WHERE of a listing: kind, visibility, author, pipeline tag, tags and text.
    static func filter(_ query: RepoQuery) -> (from: String, conditions: [String], arguments: [any DatabaseValueConvertible]) {
        var conditions = ["repos.kind = ?"]
        var arguments: [any DatabaseValueConvertible] = [query.kind.rawValue]
        var from = "repos"
        let visibility = query.privateVisibility
        if !visibility.all {
            var visible = ["repos.private = 0"]
            if !visibility.namespaces.isEmpty {
                visible.append("repos.namespace IN (\(Array(repeating: "?", count: visibility.namespaces.count).joined(separator: ",")))")
                for namespace in visibility.namespaces.sorted() { arguments.append(namespace) }
            }
            for repo in visibility.repos where repo.kind == query.kind {
                visible.append("(repos.namespace = ? AND repos.name = ?)")
                arguments += [repo.namespace.value, repo.name.value]
            }
            conditions.append("(" + visible.joined(separator: " OR ") + ")")
        }
        if let author = query.author {
            conditions.append("repos.namespace = ?")
            arguments.append(author)
        }
        if let pipeline = query.pipelineTag {
            conditions.append("repos.pipeline_tag = ?")
            arguments.append(pipeline)
        }
        if let words = ftsQuery(query.text) {
            // With text, the tags are filtered by FTS5 too (see migration 0009).
            from = "repos JOIN repo_search ON repo_search.rowid = repos.id"
            conditions.append("repo_search MATCH ?")
            arguments.append(([words] + query.tags.map { "tags : \"\(tagToken($0))\"" }).joined(separator: " AND "))
        } else {
            for tag in query.tags {
                conditions.append("EXISTS (SELECT 1 FROM repo_tags t WHERE t.repo_id = repos.id AND t.tag = ?)")
                arguments.append(tag)
            }
        }
        return (from, conditions, arguments)
    }

    public func count(_ query: RepoQuery) async throws -> Int {
        let (from, conditions, arguments) = Self.filter(query)
        let statementArguments = StatementArguments(arguments.map(\.databaseValue))
        return try await database.read { db in
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM \(from) WHERE \(conditions.joined(separator: " AND "))",
                arguments: statementArguments) ?? 0
        }
    }

    public func facets(_ query: RepoQuery, limit: Int) async throws -> RepoFacets {
        let (from, conditions, arguments) = Self.filter(query)
        let filter = conditions.joined(separator: " AND ")
        let statementArguments = StatementArguments(arguments.map(\.databaseValue)) + [limit]
        // Tasks and libraries are columns; languages and licenses are prefixed tags.
        let sqls = ["pipeline_tag", "library_name"].map { name in
            "SELECT repos.\(name), COUNT(*) FROM \(from) WHERE \(filter) AND repos.\(name) IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?"
        } + ["language:", "license:"].map { prefix in
            """
            SELECT substr(t.tag, \(prefix.count + 1)), COUNT(*) FROM \(from) JOIN repo_tags t ON t.repo_id = repos.id
            WHERE \(filter) AND t.tag LIKE '\(prefix)%' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?
            """
        }
        let lists = try await database.read { db in
            try sqls.map { sql in
                try Row.fetchAll(db, sql: sql, arguments: statementArguments).map { (value: $0[0] as String, count: $0[1] as Int) }
            }
        }
        var facets = RepoFacets()
        (facets.tasks, facets.libraries, facets.languages, facets.licenses) = (lists[0], lists[1], lists[2], lists[3])
        return facets
    }

    public func search(_ query: RepoQuery) async throws -> (repos: [RepoInfo], hasMore: Bool) {
        let (from, conditions, filterArguments) = Self.filter(query)
        var arguments = filterArguments
        var order: String
        switch query.order {
        case .lastModified: order = "repos.last_modified"
        case .createdAt: order = "repos.created_at"
        case .relevance: order = "repo_search.rank"
        case .downloads: order = "repos.downloads_30d"
        case .likes: order = "repos.likes"
        case .trendingScore: order = "repos.trending"
        }
        if Self.ftsQuery(query.text) == nil, query.order == .relevance {
            order = "repos.last_modified"
        }
        let direction = query.ascending || query.order == .relevance ? "ASC" : "DESC"
        var source = from
        if order == "repo_search.rank" {
            // Ranked by text alone: every column the conditions read is in this narrow index
            // (migration 0010), which SQLite would not pick over the table's own key by itself.
            source = "repo_search JOIN repos INDEXED BY repos_search_filter ON repos.id = repo_search.rowid"
        }
        // Two steps: the page's ids first (ordering only what it must), then the rows with their
        // LFS bytes, so that subquery runs for the page, not for every match.
        let idsSQL = """
            SELECT repos.id FROM \(source)
            WHERE \(conditions.joined(separator: " AND "))
            ORDER BY \(order) \(direction), repos.id \(direction) LIMIT ? OFFSET ?
            """
        arguments += [query.limit + 1, query.offset]
        let statementArguments = StatementArguments(arguments.map(\.databaseValue))
        try await database.windowedCounters.ensureCurrent(in: database.pool)
        return try await database.read { db in
            let ids = try Int64.fetchAll(db, sql: idsSQL, arguments: statementArguments)
            let page = Array(ids.prefix(query.limit))
            guard !page.isEmpty else { return ([], false) }
            let marks = Array(repeating: "?", count: page.count).joined(separator: ",")
            let rows = try Row.fetchAll(
                db, sql: "SELECT repos.*, \(Self.lfsBytesSelect) FROM repos WHERE id IN (\(marks))",
                arguments: StatementArguments(page))
            var tags: [Int64: [String]] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT repo_id, tag FROM repo_tags WHERE repo_id IN (\(marks)) ORDER BY repo_id, position",
                arguments: StatementArguments(page))
            {
                tags[row[0], default: []].append(row[1])
            }
            var byID: [Int64: RepoInfo] = [:]
            for row in rows {
                byID[row["id"]] = try Self.info(row, tags: tags[row["id"]] ?? [])
            }
            return (page.compactMap { byID[$0] }, ids.count > query.limit)
        }
    }

    /// Every word of `text` as a quoted prefix term, all required: `"german"* AND "spam"*`.
    static func ftsQuery(_ text: String?) -> String? {
        let words = SearchWords.query(text)
        guard !words.isEmpty else { return nil }
        // Only the id and the card's text: the tags column holds encoded tags.
        return "{name card} : (" + words.map { "\"\($0)\"*" }.joined(separator: " AND ") + ")"
    }

    /// A tag as one FTS5 token (what migration 0009's `'t' || lower(hex(tag))` computes).
    static func tagToken(_ tag: String) -> String {
        SearchWords.tagToken(tag)
    }

    public func redirect(kind: RepoKind, from path: String) async throws -> RepoInfo? {
        try await database.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT repos.* FROM repo_redirects JOIN repos ON repos.id = repo_redirects.repo_id
                    WHERE repo_redirects.kind = ? AND repo_redirects.from_path = ?
                    """,
                arguments: [kind.rawValue, path]
            ).map(Self.info)
        }
    }

    public func setAlias(kind: RepoKind, name: String, to target: RepoID?) async throws {
        try await database.write { db in
            guard let target else {
                try db.execute(
                    sql: "DELETE FROM repo_redirects WHERE kind = ? AND from_path = ? AND is_alias = 1",
                    arguments: [kind.rawValue, name])
                guard db.changesCount > 0 else { throw HubError.badRequest("There is no alias '\(name)'") }
                return
            }
            guard let row = try Self.row(for: target, in: db) else { throw HubError.repoNotFound }
            let rowID: Int64 = row["id"]
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO repo_redirects (kind, from_path, repo_id, is_alias, created_at)
                    VALUES (?, ?, ?, 1, ?)
                    """,
                arguments: [kind.rawValue, name, rowID, RowDate.encode(HubDate.now())])
        }
    }

    public func aliases() async throws -> [(kind: RepoKind, name: String, target: RepoID)] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT repo_redirects.from_path AS alias, repos.* FROM repo_redirects
                    JOIN repos ON repos.id = repo_redirects.repo_id
                    WHERE repo_redirects.is_alias = 1 ORDER BY repo_redirects.kind, repo_redirects.from_path
                    """
            ).map { row in
                let info = try Self.info(row)
                return (info.id.kind, row["alias"], info.id)
            }
        }
    }

    private static func row(for id: RepoID, in db: Database) throws -> Row? {
        try Row.fetchOne(
            db, sql: "SELECT * FROM repos WHERE kind = ? AND namespace = ? AND name = ?",
            arguments: [id.kind.rawValue, id.namespace.value, id.name.value])
    }

    /// The LFS bytes bound to the repository, as an extra column. Only for the rows
    /// returned: it aggregates.
    static let lfsBytesSelect = """
        (SELECT COALESCE(SUM(o.size), 0) FROM repo_lfs_objects b JOIN lfs_objects o ON o.oid = b.oid
         WHERE b.repo_id = repos.id) AS lfs_bytes
        """

    static func info(_ row: Row) throws -> RepoInfo {
        try info(row, tags: [])
    }

    static func info(_ row: Row, tags: [String]) throws -> RepoInfo {
        guard let kind = RepoKind(rawValue: row["kind"]) else {
            throw HubError.internalFailure("repo row \(row["id"] as Int64) has an unknown kind")
        }
        return RepoInfo(
            rowID: row["id"], id: try RepoID(kind: kind, namespace: row["namespace"], name: row["name"]),
            isPrivate: row["private"], sdk: row["sdk"], creatorID: row["creator_id"], headCommit: row["head_commit"],
            createdAt: RowDate.decode(row["created_at"]), lastModified: RowDate.decode(row["last_modified"]),
            card: RepoCard(
                dataJSON: row["card_data"], tags: tags, pipelineTag: row["pipeline_tag"], libraryName: row["library_name"]),
            counters: RepoCounters(
                downloads: row["downloads_30d"] ?? 0, downloadsAllTime: row["downloads_all_time"] ?? 0,
                likes: row["likes"] ?? 0, trendingScore: row["trending"] ?? 0, lfsBytes: row["lfs_bytes"] ?? 0),
            mirror: (row["mirror_fetched_at"] as Int64?).map {
                RepoMirror(fetchedAt: RowDate.decode($0), pinned: row["mirror_pinned"] ?? false)
            },
            gated: (row["gated"] as String?).flatMap(GatedMode.init(rawValue:)))
    }
}
