import HubCore
import HubIndex
import PostgresNIO

/// The FROM and WHERE of a repository listing on PostgreSQL (kind, visibility, author, task, tags
/// and text), as SQL with numbered parameters and their values; the caller adds what follows.
struct PostgresRepoFilter {
    /// The longest word a `tsvector` keeps (PostgreSQL drops longer ones when it indexes): a query
    /// word or tag token past it cannot be matched through the text index.
    static let longestIndexedWord = 2047

    private(set) var binds = PostgresBindings()
    private(set) var conditions: [String] = []
    /// The `tsquery` of the text (and the tags searched with it), when there is text.
    private(set) var textQuery: String?
    /// True when the query cannot match anything (a word longer than any indexed word).
    private(set) var matchesNothing = false

    init(_ query: RepoQuery) {
        conditions.append("repos.kind = \(bind(query.kind.rawValue))")
        let visibility = query.privateVisibility
        if !visibility.all {
            var visible = ["NOT repos.private"]
            if !visibility.namespaces.isEmpty {
                visible.append("repos.namespace = ANY(\(bind(visibility.namespaces.sorted()))::citext[])")
            }
            for repo in visibility.repos where repo.kind == query.kind {
                visible.append(
                    "(repos.namespace = \(bind(repo.namespace.value))::citext AND repos.name = \(bind(repo.name.value))::citext)")
            }
            conditions.append("(" + visible.joined(separator: " OR ") + ")")
        }
        if let author = query.author {
            conditions.append("repos.namespace = \(bind(author))::citext")
        }
        if let pipeline = query.pipelineTag {
            conditions.append("repos.pipeline_tag = \(bind(pipeline))")
        }
        let words = SearchWords.query(query.text)
        if words.contains(where: { $0.utf8.count > Self.longestIndexedWord }) {
            matchesNothing = true
        }
        var tagsOutsideText = query.tags
        if !words.isEmpty {
            // Every word as a prefix of a word of the id (weight A) or the card (B); the tags'
            // tokens (weight D) join the same query, so the GIN index intersects them too.
            var terms = words.map { "\($0):*AB" }
            let tokens = query.tags.map { ($0, SearchWords.tagToken($0)) }
            terms += tokens.filter { $0.1.utf8.count <= Self.longestIndexedWord }.map { "\($0.1):D" }
            tagsOutsideText = tokens.filter { $0.1.utf8.count > Self.longestIndexedWord }.map(\.0)
            let text = terms.joined(separator: " & ")
            textQuery = text
            conditions.append("repos.search @@ to_tsquery('simple', \(bind(text)))")
        }
        for tag in tagsOutsideText {
            conditions.append("EXISTS (SELECT 1 FROM repo_tags t WHERE t.repo_id = repos.id AND t.tag = \(bind(tag)))")
        }
    }

    /// The conditions joined, for a WHERE clause.
    var whereClause: String {
        conditions.joined(separator: " AND ")
    }

    /// Adds `value` as the next parameter and returns its placeholder.
    mutating func bind(_ value: some PostgresDynamicTypeEncodable) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    /// A query of `sql` (which uses this filter's placeholders) with this filter's values.
    func query(_ sql: String) -> PostgresQuery {
        PostgresQuery(unsafeSQL: sql, binds: binds)
    }
}
