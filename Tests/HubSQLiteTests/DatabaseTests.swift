import Foundation
import HubCore
@testable import HubSQLite
import HubIndex
import HubTesting
import Testing

@Suite struct DatabaseTests {
    let directory: TemporaryDirectory
    let database: HubDatabase

    init() throws {
        directory = try TemporaryDirectory()
        database = try HubDatabase(path: directory.url.appendingPathComponent("hub.sqlite").path)
    }

    func token(_ name: String, _ seed: UInt8) -> NewToken {
        NewToken(name: name, role: .write, secretHash: [UInt8](repeating: seed, count: 32))
    }

    static let bundledMigrations = [
        "0001_initial", "0002_lfs", "0003_cards_and_search", "0004_likes_and_downloads", "0005_discussions",
        "0006_windowed_counters", "0007_organizations", "0008_web_sign_in", "0009_search_tags",
        "0010_search_filter_index", "0011_repo_redirects", "0012_xet", "0013_xet_dedup", "0014_xet_gc",
        "0015_lfs_lifecycle", "0016_storage_quotas", "0017_mirrors", "0018_gated_repos", "0019_webhooks", "0020_discussion_events",
    ]

    @Test func appliesEveryBundledMigrationOnce() async throws {
        #expect(try await database.appliedMigrations() == Self.bundledMigrations)
        let reopened = try HubDatabase(path: directory.url.appendingPathComponent("hub.sqlite").path)
        #expect(try await reopened.appliedMigrations() == Self.bundledMigrations)
        #expect(try await reopened.integrityCheck() == "ok")
    }

    @Test func createsUserWithFirstToken() async throws {
        let store = SQLiteAccountStore(database: database)
        let (user, _) = try await store.createUser(
            name: try HubName("alice"), fullname: "Alice", email: nil, isAdmin: false, passwordHash: nil, firstToken: token("default", 1))
        let found = try #require(try await store.caller(secretHash: [UInt8](repeating: 1, count: 32)))
        #expect(found.user == user)
        #expect(found.token.name == "default")
    }

    @Test func userNamesAreUniqueRegardlessOfCase() async throws {
        let store = SQLiteAccountStore(database: database)
        _ = try await store.createUser(
            name: try HubName("alice"), fullname: "", email: nil, isAdmin: false, passwordHash: nil, firstToken: token("default", 1))
        await #expect(throws: HubError.self) {
            _ = try await store.createUser(
                name: try HubName("ALICE"), fullname: "", email: nil, isAdmin: false, passwordHash: nil, firstToken: self.token("default", 2))
        }
        // The refused user left nothing: its token hash is not stored.
        #expect(try await store.caller(secretHash: [UInt8](repeating: 2, count: 32)) == nil)
    }

    @Test func revokedTokenNoLongerAuthenticates() async throws {
        let store = SQLiteAccountStore(database: database)
        let (user, _) = try await store.createUser(
            name: try HubName("bob"), fullname: "", email: nil, isAdmin: false, passwordHash: nil, firstToken: token("default", 3))
        #expect(try await store.revokeToken(named: "default", userID: user.id))
        #expect(try await store.caller(secretHash: [UInt8](repeating: 3, count: 32)) == nil)
        #expect(try await store.revokeToken(named: "default", userID: user.id) == false)
    }

    @Test func repoCreationRollsBackWhenTheCommitPointFails() async throws {
        let store = SQLiteRepoStore(database: database)
        let id = try RepoID(kind: .model, namespace: "alice", name: "demo")
        struct Boom: Error {}
        await #expect(throws: Boom.self) {
            _ = try await store.create(NewRepo(id: id, isPrivate: false, sdk: nil, headCommit: "abc")) { _ in throw Boom() }
        }
        #expect(try await store.find(id) == nil)
    }

    @Test func repoIDsAreUniqueRegardlessOfCase() async throws {
        let store = SQLiteRepoStore(database: database)
        let id = try RepoID(kind: .model, namespace: "alice", name: "Demo")
        _ = try await store.create(NewRepo(id: id, isPrivate: false, sdk: nil, headCommit: "abc")) { _ in }
        let other = try RepoID(kind: .model, namespace: "ALICE", name: "demo")
        await #expect(throws: HubError.repoExists(id)) {
            _ = try await store.create(NewRepo(id: other, isPrivate: false, sdk: nil, headCommit: "abc")) { _ in }
        }
        // The same name as a dataset is a different repository.
        let dataset = try RepoID(kind: .dataset, namespace: "alice", name: "demo")
        _ = try await store.create(NewRepo(id: dataset, isPrivate: true, sdk: nil, headCommit: "abc")) { _ in }
        #expect(try await store.find(dataset)?.isPrivate == true)
    }

    @Test func aWalkOverEveryRepositoryGoesByRowIDAndIsNotShiftedByARename() async throws {
        let store = SQLiteRepoStore(database: database)
        var created: [RepoID] = []
        for (number, kind) in zip(0..<5, [RepoKind.model, .dataset, .space, .model, .model]) {
            let id = try RepoID(kind: kind, namespace: "alice", name: "r\(number)")
            _ = try await store.create(NewRepo(id: id, isPrivate: number == 2, sdk: nil, headCommit: "abc")) { _ in }
            created.append(id)
        }
        let first = try await store.rows(after: 0, limit: 2)
        #expect(first.map(\.id) == Array(created[0..<2]))
        // A rename between two pages changes no row's place.
        try await store.rename(created[0], to: try RepoID(kind: .model, namespace: "alice", name: "zz")) {}
        let rest = try await store.rows(after: try #require(first.last).rowID, limit: 10)
        #expect(rest.map(\.id) == Array(created[2...]))
        #expect(try await store.rows(after: try #require(rest.last).rowID, limit: 10).isEmpty)
    }

    @Test func windowedCountersForgetDaysThatLeaveTheWindow() async throws {
        let repos = SQLiteRepoStore(database: database)
        let counters = SQLiteCounterStore(database: database)
        let id = try RepoID(kind: .model, namespace: "alice", name: "counted")
        let repo = try await repos.create(NewRepo(id: id, isPrivate: false, sdk: nil, headCommit: "abc")) { _ in }
        try await counters.recordDownload(repoRowID: repo.rowID)
        try await counters.recordDownload(repoRowID: repo.rowID)
        var found = try #require(try await repos.find(id, withCounters: true))
        #expect(found.counters.downloads == 2 && found.counters.trendingScore == 2 && found.counters.downloadsAllTime == 2)

        // Move both downloads 10 days back (out of trending's week) and add one 40 days back
        // (out of the month), as the calendar would; the next new day recounts.
        let today = WindowedCounters.today()
        try await database.pool.write { db in
            try db.execute(sql: "UPDATE repo_downloads SET day = ?", arguments: [today - 10])
            try db.execute(
                sql: "INSERT INTO repo_downloads (repo_id, day, count) VALUES (?, ?, 5)", arguments: [repo.rowID, today - 40])
            try db.execute(sql: "UPDATE counter_windows SET day = ?", arguments: [today - 1])
        }
        // A new process (or the next day in this one) starts without the in-memory day.
        let fresh = try HubDatabase(path: directory.url.appendingPathComponent("hub.sqlite").path)
        found = try #require(try await SQLiteRepoStore(database: fresh).find(id, withCounters: true))
        #expect(found.counters.downloads == 2 && found.counters.trendingScore == 0)
    }

    @Test func usersAndOrganizationsShareOneSetOfNames() async throws {
        let accounts = SQLiteAccountStore(database: database)
        let orgs = SQLiteOrgStore(database: database)
        let (alice, _) = try await accounts.createUser(
            name: try HubName("alice"), fullname: "", email: nil, isAdmin: false, passwordHash: nil, firstToken: token("default", 4))
        _ = try await orgs.createOrg(name: try HubName("Acme"), fullname: "", privateByDefault: false, adminUserID: alice.id)
        await #expect(throws: HubError.self) {
            _ = try await orgs.createOrg(name: try HubName("ALICE"), fullname: "", privateByDefault: false, adminUserID: alice.id)
        }
        await #expect(throws: HubError.self) {
            _ = try await accounts.createUser(
                name: try HubName("acme"), fullname: "", email: nil, isAdmin: false, passwordHash: nil, firstToken: self.token("default", 5))
        }
        // The triggers hold even for a writer that skips the checks (another process, a bug).
        await #expect(throws: (any Error).self) {
            try await database.pool.write { db in
                try db.execute(sql: "INSERT INTO users (name, created_at) VALUES ('ACME', 0)")
            }
        }
    }

    @Test func theLastAdminCanBeNeitherDemotedNorRemoved() async throws {
        let accounts = SQLiteAccountStore(database: database)
        let orgs = SQLiteOrgStore(database: database)
        let (alice, _) = try await accounts.createUser(
            name: try HubName("alice"), fullname: "", email: nil, isAdmin: false, passwordHash: nil, firstToken: token("default", 6))
        let (bob, _) = try await accounts.createUser(
            name: try HubName("bob"), fullname: "", email: nil, isAdmin: false, passwordHash: nil, firstToken: token("default", 7))
        let org = try await orgs.createOrg(name: try HubName("acme"), fullname: "", privateByDefault: false, adminUserID: alice.id)
        await #expect(throws: HubError.self) { try await orgs.setRole(.write, userID: alice.id, orgID: org.id) }
        await #expect(throws: HubError.self) { _ = try await orgs.removeMember(userID: alice.id, orgID: org.id) }
        try await orgs.setRole(.admin, userID: bob.id, orgID: org.id)
        try await orgs.setRole(.read, userID: alice.id, orgID: org.id)
        #expect(try await orgs.members(of: org.id).map(\.role) == [.read, .admin])
        let caller = try #require(try await accounts.caller(secretHash: [UInt8](repeating: 6, count: 32)))
        #expect(caller.role(in: try HubName("ACME")) == .read)
    }

    @Test func fineGrainedTokensKeepTheirScopes() async throws {
        let accounts = SQLiteAccountStore(database: database)
        let (alice, _) = try await accounts.createUser(
            name: try HubName("alice"), fullname: "", email: nil, isAdmin: false, passwordHash: nil, firstToken: token("default", 8))
        let scopes = [
            TokenScope(entity: .repo(try RepoID(kind: .dataset, namespace: "alice", name: "news")), permission: .write),
            TokenScope(entity: .user(try HubName("alice")), permission: .read),
        ]
        _ = try await accounts.addToken(
            NewToken(name: "ci", role: .fineGrained, scopes: scopes, secretHash: [UInt8](repeating: 9, count: 32)),
            userID: alice.id)
        let caller = try #require(try await accounts.caller(secretHash: [UInt8](repeating: 9, count: 32)))
        #expect(caller.token.role == .fineGrained)
        #expect(Set(caller.token.scopes) == Set(scopes))
    }

    @Test func textSearchFiltersTagsExactlyInsideFTS() async throws {
        let repos = SQLiteRepoStore(database: database)
        let id = try RepoID(kind: .model, namespace: "alice", name: "spam-filter")
        _ = try await repos.create(NewRepo(id: id, isPrivate: false, sdk: nil, headCommit: "abc")) { _ in }
        try await repos.updateCard(id, card: RepoCard(tags: ["license:mit", "de", "text-classification"], text: "German spam"))
        func found(_ text: String, _ tags: [String]) async throws -> [String] {
            var query = RepoQuery(kind: .model)
            query.text = text
            query.tags = tags
            return try await repos.search(query).repos.map(\.id.path)
        }
        #expect(try await found("german", ["license:mit", "de"]) == ["alice/spam-filter"])
        #expect(try await found("spam filter", []) == ["alice/spam-filter"])
        #expect(try await found("german", ["license:mi"]).isEmpty)
        #expect(try await found("german", ["license:mit-0"]).isEmpty)
        // Words never match the encoded tag tokens.
        #expect(try await found(SQLiteRepoStore.tagToken("de"), []).isEmpty)
    }
}
