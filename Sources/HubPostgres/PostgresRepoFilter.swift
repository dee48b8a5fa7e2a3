import Foundation
import HubCore
import HubIndex
import PostgresNIO

/// The FROM and WHERE of a repository listing on PostgreSQL (kind, visibility, author, task, tags
/// and text), as SQL with numbered parameters and their values; the caller adds what follows.
struct PostgresRepoFilter {
    /// The longest word a `tsvector` keeps (PostgreSQL drops longer ones when it indexes): a query
    /// word or tag token past it cannot be matched through the text index.
    static let longestIndexedWord = 2047
    /// The most words a searched prefix is expanded into (`PostgresRepoStore.completions(of:)`);
    /// a prefix of more is left to the index's prefix match.
    static let mostCompletions = 64

    private(set) var binds = PostgresBindings()
    private(set) var conditions: [String] = []
    /// The `tsquery` that ranks the matches, when there is text: every word as a prefix (the
    /// condition may spell a prefix as the words it begins, which `ts_rank` would score as
    /// alternatives), and the tags searched with it.
    private(set) var rankQuery: String?
    /// True when the query cannot match anything (a word longer than any indexed word).
    private(set) var matchesNothing = false

    /// `completions`: the indexed words some of the searched words begin
    /// (`PostgresRepoStore.completions(of:)`), searched for exactly instead of as prefixes.
    init(_ query: RepoQuery, completions: [String: [String]] = [:]) {
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
            var matchTerms: [String] = []
            for word in words {
                switch completions[word] {
                case nil: matchTerms.append("\(word):*AB")
                case let exact? where exact.isEmpty: matchesNothing = true
                case let exact?:
                    matchTerms.append("(" + exact.map { "\(Self.quoted($0)):AB" }.joined(separator: " | ") + ")")
                }
            }
            let tokens = query.tags.map { ($0, SearchWords.tagToken($0)) }
            let tagTerms = tokens.filter { $0.1.utf8.count <= Self.longestIndexedWord }.map { "\($0.1):D" }
            tagsOutsideText = tokens.filter { $0.1.utf8.count > Self.longestIndexedWord }.map(\.0)
            rankQuery = (words.map { "\($0):*AB" } + tagTerms).joined(separator: " & ")
            let match = (matchTerms + tagTerms).joined(separator: " & ")
            conditions.append("repos.search @@ to_tsquery('simple', \(bind(match)))")
        }
        for tag in tagsOutsideText {
            conditions.append("EXISTS (SELECT 1 FROM repo_tags t WHERE t.repo_id = repos.id AND t.tag = \(bind(tag)))")
        }
    }

    /// `word` as one quoted `tsquery` lexeme, whatever characters it has.
    static func quoted(_ word: String) -> String {
        "'" + word.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "''") + "'"
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
