import HubCore
import HubIndex
import PostgresNIO

/// A searched word matches as a prefix. PostgreSQL's GIN index answers a prefix (`word:*`) by
/// reading every posting of every word it begins before it can intersect anything
/// (https://www.postgresql.org/docs/15/gin-implementation.html, "partial match"), while exact
/// words are intersected by skipping ahead in their posting lists. So the words a prefix begins
/// are looked up first, in `search_words` (every word names and cards have held, kept by a
/// trigger), and searched for exactly.
extension PostgresRepoStore {
    /// For each word of `query`'s text made of ASCII letters and digits, the indexed words it
    /// begins, when there are at most `PostgresRepoFilter.mostCompletions` (an empty list when no
    /// repository ever had one). Words left out are searched as prefixes: PostgreSQL's parser may
    /// normalise other letters differently, and a prefix of many words (`a`) reads as much as the
    /// prefix search does.
    func completions(of query: RepoQuery) async throws -> [String: [String]] {
        let prefixes = SearchWords.query(query.text).filter { word in
            !word.isEmpty && word.utf8.count <= PostgresRepoFilter.longestIndexedWord
                && word.utf8.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
        }
        guard !prefixes.isEmpty else { return [:] }
        // The words a prefix begins are, in byte order, those from the prefix up to (not
        // including) the prefix with its last byte raised by one (an ASCII letter or digit, so
        // still ASCII).
        let ends = prefixes.map { prefix -> String in
            var bytes = Array(prefix.utf8)
            bytes[bytes.count - 1] += 1
            return String(decoding: bytes, as: UTF8.self)
        }
        let rows = try await index.rows(
            """
            SELECT p.prefix, w.word FROM unnest(\(prefixes)::text[], \(ends)::text[]) AS p(prefix, prefix_end)
            CROSS JOIN LATERAL (
                SELECT word FROM search_words
                WHERE word >= p.prefix COLLATE "C" AND word < p.prefix_end COLLATE "C"
                ORDER BY word LIMIT \(PostgresRepoFilter.mostCompletions + 1)
            ) AS w
            """, as: (String, String).self)
        var completions = Dictionary(uniqueKeysWithValues: prefixes.map { ($0, [String]()) })
        for (prefix, word) in rows {
            completions[prefix, default: []].append(word)
        }
        return completions.filter { $0.value.count <= PostgresRepoFilter.mostCompletions }
    }
}
