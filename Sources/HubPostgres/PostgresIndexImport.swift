import Foundation
import HubCore
import HubIndex
import PostgresNIO

/// Copies an index (`IndexRowSource`, the embedded SQLite one) into an empty PostgreSQL index,
/// every table in one transaction: the target has all of it or none. Row ids are kept, so every
/// reference between rows (and every repository folder's row marker) stays true; the identity
/// sequences then continue after the largest.
public struct PostgresIndexImport: Sendable {
    /// The tables, parents before the rows that reference them.
    static let tables = [
        "users", "organizations", "org_members", "tokens", "token_scopes", "sessions", "repos", "repo_tags",
        "repo_redirects", "repo_likes", "repo_downloads", "counter_windows", "discussions", "discussion_events", "lfs_objects",
        "repo_lfs_objects", "lfs_deletions", "lfs_locks", "xet_files", "xet_dedup_chunks", "access_requests", "webhooks", "webhook_deliveries",
    ]
    /// Rows per INSERT.
    static let batchSize = 500

    let index: PostgresIndex

    public init(index: PostgresIndex) {
        self.index = index
    }

    /// How many rows each table received.
    public func copy(from source: some IndexRowSource) async throws -> [(table: String, rows: Int)] {
        let sourceTables = Set(try source.tableNames())
        if let unknown = sourceTables.subtracting(Self.tables).sorted().first {
            throw HubError.internalFailure("the index has a table '\(unknown)' that PostgreSQL's schema lacks")
        }
        let index = self.index
        let copied = try await index.transaction { connection in
            let existing = try await index.rows(
                "SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM organizations) + (SELECT COUNT(*) FROM repos)",
                as: (Int64).self, on: connection)
            guard existing.first == 0 else {
                throw HubError.conflict("the PostgreSQL index is not empty: migrate-index copies into a new database only")
            }
            var copied: [(String, Int)] = []
            for table in Self.tables where sourceTables.contains(table) {
                copied.append((table, try await Self.copy(table, from: source, index: index, on: connection)))
            }
            try await Self.copySearchWords(from: source, index: index, on: connection)
            for table in ["users", "organizations", "tokens", "repos", "discussions", "discussion_events", "lfs_locks", "access_requests", "webhook_deliveries"] {
                try await index.execute(
                    PostgresQuery(
                        unsafeSQL: """
                            SELECT setval(pg_get_serial_sequence('\(table)', 'id'), COALESCE(MAX(id), 0) + 1, false)::text FROM \(table)
                            """), on: connection)
            }
            return copied
        }
        // Tidied now, not when autovacuum next passes (in the middle of the first searches): the
        // rows the search text rewrote are reclaimed, the text index's pending entries merged,
        // and the planner has statistics instead of guessing how many rows every filter keeps.
        try await index.execute("VACUUM (ANALYZE)")
        return copied
    }

    static func copy(
        _ table: String, from source: some IndexRowSource, index: PostgresIndex, on connection: PostgresConnection
    ) async throws -> Int {
        let columns = try source.columns(of: table)
        var types: [String: String] = [:]
        for row in try await index.rows(
            "SELECT column_name::text, udt_name::text FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = \(table)",
            as: (String, String).self, on: connection)
        {
            types[row.0] = row.1
        }
        let casts = try columns.map { column in
            guard let type = types[column] else {
                throw HubError.internalFailure("the column \(table).\(column) has no counterpart in PostgreSQL's schema")
            }
            return type
        }
        if table == "counter_windows" {
            // The schema's one row, replaced by the copied one.
            try await index.execute("DELETE FROM counter_windows", on: connection)
        }
        let columnList = columns.map { "\"\($0)\"" }.joined(separator: ", ")
        var offset = 0
        while true {
            let rows = try source.rows(of: table, offset: offset, limit: batchSize)
            guard !rows.isEmpty else { break }
            var binds = PostgresBindings()
            var tuples: [String] = []
            for row in rows {
                var placeholders: [String] = []
                for (value, type) in zip(row, casts) {
                    binds.append(try Self.text(of: value, as: type, table: table))
                    placeholders.append("$\(binds.count)::text::\(type)")
                }
                tuples.append("(" + placeholders.joined(separator: ", ") + ")")
            }
            try await index.execute(
                PostgresQuery(
                    unsafeSQL: "INSERT INTO \(table) (\(columnList)) OVERRIDING SYSTEM VALUE VALUES \(tuples.joined(separator: ", "))",
                    binds: binds), on: connection)
            offset += rows.count
        }
        return offset
    }

    /// What search reads besides the name, as `PostgresRepoStore.write` stores it: the card's
    /// words, and each tag as one token.
    static func copySearchWords(from source: some IndexRowSource, index: PostgresIndex, on connection: PostgresConnection) async throws {
        var offset = 0
        while true {
            let cards = try source.searchCards(offset: offset, limit: batchSize)
            guard !cards.isEmpty else { break }
            let ids = cards.map(\.repoRowID)
            let words = cards.map { SearchWords.words(in: $0.text).joined(separator: " ") }
            try await index.execute(
                """
                UPDATE repos SET search_card = card.words
                FROM unnest(\(ids)::bigint[], \(words)::text[]) AS card(id, words) WHERE repos.id = card.id
                """, on: connection)
            offset += cards.count
        }
        try await index.execute(
            """
            UPDATE repos SET search_tags = tokens.joined FROM (
                SELECT repo_id, string_agg('t' || encode(convert_to(tag, 'UTF8'), 'hex'), ' ' ORDER BY position) AS joined
                FROM repo_tags WHERE octet_length(tag) * 2 + 1 <= \(PostgresRepoFilter.longestIndexedWord) GROUP BY repo_id
            ) AS tokens WHERE repos.id = tokens.repo_id
            """, on: connection)
    }

    /// A value as the text PostgreSQL's input function of `type` reads.
    static func text(of value: IndexValue, as type: String, table: String) throws -> String? {
        switch value {
        case .null: return nil
        case .integer(let number) where type == "bool": return number == 0 ? "false" : "true"
        case .integer(let number): return String(number)
        case .real(let number): return String(number)
        case .text(let text): return text
        case .blob(let bytes) where type == "bytea": return "\\x" + bytes.hexString
        case .blob:
            throw HubError.internalFailure("a binary value in \(table) for a column of type \(type)")
        }
    }
}
