import Foundation
import HubCore
import HubIndex
import Testing

@testable import HubPostgres

/// `migrate-index`'s target side: a copy is whole or nothing, and keeps row ids.
@Suite(.enabled(if: PostgresTestDatabase.available, "needs MODELHUB_TEST_POSTGRES_URL: run under .ci/with-postgres"))
struct PostgresIndexImportTests {
    /// An index given as literal tables.
    struct Tables: IndexRowSource {
        var tables: [String: (columns: [String], rows: [[IndexValue]])]
        var cards: [(repoRowID: Int64, text: String)] = []

        func tableNames() throws -> [String] { tables.keys.sorted() }
        func columns(of table: String) throws -> [String] { tables[table]?.columns ?? [] }
        func rows(of table: String, offset: Int, limit: Int) throws -> [[IndexValue]] {
            Array((tables[table]?.rows ?? []).dropFirst(offset).prefix(limit))
        }
        func searchCards(offset: Int, limit: Int) throws -> [(repoRowID: Int64, text: String)] {
            Array(cards.dropFirst(offset).prefix(limit))
        }
    }

    static let users: (columns: [String], rows: [[IndexValue]]) = (
        ["id", "name", "fullname", "email", "is_admin", "created_at", "password_hash"],
        [[.integer(7), .text("Alice"), .text(""), .null, .integer(1), .integer(0), .null]]
    )

    @Test func rowsKeepTheirIdsBooleansBytesAndSearchWordsAndNewRowsComeAfter() async throws {
        try await PostgresTestDatabase.withFreshIndex { index in
            let source = Tables(
                tables: [
                    "users": Self.users,
                    "tokens": (["id", "user_id", "name", "role", "secret_hash", "created_at"],
                               [[.integer(3), .integer(7), .text("ci"), .text("read"), .blob([1, 2, 255]), .integer(0)]]),
                    "repos": (["id", "kind", "namespace", "name", "private", "created_at", "last_modified"],
                              [[.integer(40), .text("model"), .text("Alice"), .text("spam-filter"), .integer(0), .integer(0), .integer(0)]]),
                    "repo_tags": (["repo_id", "tag", "position"], [[.integer(40), .text("license:mit"), .integer(0)]]),
                ],
                cards: [(40, "Finds German spam.")])
            let copied = try await PostgresIndexImport(index: index).copy(from: source)
            #expect(copied.map(\.table) == ["users", "tokens", "repos", "repo_tags"])
            let accounts = PostgresAccountStore(index: index)
            #expect(try await accounts.user(named: "alice")?.id == 7)
            #expect(try await accounts.caller(secretHash: [1, 2, 255])?.token.name == "ci")
            let repos = PostgresRepoStore(index: index)
            var query = RepoQuery(kind: .model)
            query.text = "german spa"
            query.tags = ["license:mit"]
            #expect(try await repos.search(query).repos.map(\.rowID) == [40])
            let bob = try await PostgresTestDatabase.user("bob", in: index)
            #expect(bob.id == 8)
        }
    }

    @Test func anIndexWithATablePostgreSQLLacksIsRefusedBeforeAnythingIsCopied() async throws {
        try await PostgresTestDatabase.withFreshIndex { index in
            let source = Tables(tables: ["users": Self.users, "mystery": (["id"], [[.integer(1)]])])
            await #expect(throws: HubError.internalFailure("the index has a table 'mystery' that PostgreSQL's schema lacks")) {
                _ = try await PostgresIndexImport(index: index).copy(from: source)
            }
            let alice = try await PostgresAccountStore(index: index).user(named: "alice")
            #expect(alice == nil)
        }
    }

    @Test func aCopyThatFailsHalfwayLeavesTheDatabaseEmptyAndAFilledOneIsRefused() async throws {
        try await PostgresTestDatabase.withFreshIndex { index in
            var source = Tables(tables: [
                "users": Self.users,
                "repos": (["id", "kind", "namespace", "name", "private", "created_at", "last_modified"],
                          [[.integer(1), .text("weights"), .text("alice"), .text("x"), .integer(0), .integer(0), .integer(0)]]),
            ])
            await #expect(throws: (any Error).self) { _ = try await PostgresIndexImport(index: index).copy(from: source) }
            let alice = try await PostgresAccountStore(index: index).user(named: "alice")
            #expect(alice == nil)
            source.tables["repos"] = nil
            _ = try await PostgresIndexImport(index: index).copy(from: source)
            await #expect(throws: HubError.conflict("the PostgreSQL index is not empty: migrate-index copies into a new database only")) {
                _ = try await PostgresIndexImport(index: index).copy(from: source)
            }
        }
    }
}
