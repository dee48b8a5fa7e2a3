import Foundation
import HubCore
import HubIndex
import Testing
import XetCore

@testable import HubPostgres
import HubTesting

@Suite(.enabled(if: PostgresTestDatabase.available, "needs MODELHUB_TEST_POSTGRES_URL: run under .ci/with-postgres"))
struct PostgresIndexTests {
    @Test func migrationsAreAppliedOnceEvenWhenInstancesStartTogether() async throws {
        try await PostgresTestDatabase.withFreshDatabase { url in
            async let first = PostgresIndex.open(url: url)
            async let second = PostgresIndex.open(url: url)
            let indexes = try await [first, second]
            defer { indexes.forEach { $0.close() } }
            let bundled = try PostgresMigrations.bundled().map(\.identifier)
            #expect(bundled.first == "0001_initial")
            for index in indexes {
                #expect(try await PostgresMigrations.applied(on: index) == bundled)
            }
            let reopened = try await PostgresIndex.open(url: url)
            defer { reopened.close() }
            #expect(try await PostgresMigrations.applied(on: reopened) == bundled)
        }
    }

    @Test func aUserAndItsTokensRoundTrip() async throws {
        try await PostgresTestDatabase.withFreshIndex { index in
            let accounts = PostgresAccountStore(index: index)
            let secret: [UInt8] = Array(repeating: 7, count: 32)
            let (alice, token) = try await accounts.createUser(
                name: try HubName("Alice"), fullname: "Alice A.", email: "a@example.com", isAdmin: false, passwordHash: nil,
                firstToken: NewToken(name: "first", role: .write, secretHash: secret))
            #expect(token?.name == "first" && token?.role == .write)
            #expect(try await accounts.user(named: "alice")?.id == alice.id)  // names are case-insensitive
            let caller = try #require(try await accounts.caller(secretHash: secret))
            #expect(caller.user.name.value == "Alice" && caller.token.id == token?.id)
            #expect(try await accounts.caller(secretHash: Array(repeating: 8, count: 32)) == nil)

            let scoped = try await accounts.addToken(
                NewToken(
                    name: "ci", role: .fineGrained,
                    scopes: [TokenScope(entity: .repo(try RepoID(kind: .model, namespace: "Alice", name: "demo")), permission: .read)],
                    secretHash: Array(repeating: 9, count: 32)),
                userID: alice.id)
            let listed = try await accounts.tokens(userID: alice.id)
            #expect(listed.map(\.name) == ["first", "ci"])
            #expect(listed.last?.scopes == scoped.scopes)
            await #expect(throws: HubError.conflict("This user already has a token named 'ci'")) {
                _ = try await accounts.addToken(NewToken(name: "ci", role: .read, secretHash: [1]), userID: alice.id)
            }
            #expect(try await accounts.revokeToken(named: "ci", userID: alice.id))
            #expect(try await !accounts.revokeToken(named: "ci", userID: alice.id))
        }
    }

    @Test func aNameIsTakenOnceAcrossUsersAndOrganizations() async throws {
        try await PostgresTestDatabase.withFreshIndex { index in
            let accounts = PostgresAccountStore(index: index)
            let orgs = PostgresOrgStore(index: index)
            let (alice, _) = try await accounts.createUser(
                name: try HubName("alice"), fullname: "", email: nil, isAdmin: false, passwordHash: nil, firstToken: nil)
            await #expect(throws: HubError.self) {
                _ = try await accounts.createUser(
                    name: try HubName("ALICE"), fullname: "", email: nil, isAdmin: false, passwordHash: nil, firstToken: nil)
            }
            await #expect(throws: HubError.conflict("The name 'alice' belongs to a user")) {
                _ = try await orgs.createOrg(name: try HubName("alice"), fullname: "", privateByDefault: false, adminUserID: alice.id)
            }
            _ = try await orgs.createOrg(name: try HubName("acme"), fullname: "", privateByDefault: false, adminUserID: alice.id)
            await #expect(throws: HubError.conflict("The name 'acme' belongs to an organization")) {
                _ = try await accounts.createUser(
                    name: try HubName("acme"), fullname: "", email: nil, isAdmin: false, passwordHash: nil, firstToken: nil)
            }
            // Twenty instances racing for one name: exactly one wins, the others get a conflict.
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        do {
                            _ = try await accounts.createUser(
                                name: try HubName("raced"), fullname: "", email: nil, isAdmin: false, passwordHash: nil,
                                firstToken: nil)
                            return true
                        } catch is HubError {
                            return false
                        }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)
        }
    }

    @Test func sessionsExpireAndANewPasswordEndsThem() async throws {
        try await PostgresTestDatabase.withFreshIndex { index in
            let accounts = PostgresAccountStore(index: index)
            let (alice, _) = try await accounts.createUser(
                name: try HubName("alice"), fullname: "", email: nil, isAdmin: false, passwordHash: "old", firstToken: nil)
            let now = Date()
            try await accounts.createSession(
                NewSession(secretHash: [1, 2, 3], userID: alice.id, csrfToken: "csrf", expiresAt: now.addingTimeInterval(60)))
            #expect(try await accounts.session(secretHash: [1, 2, 3], now: now)?.csrfToken == "csrf")
            #expect(try await accounts.session(secretHash: [1, 2, 3], now: now.addingTimeInterval(120)) == nil)
            #expect(try await accounts.passwordHash(userName: "alice")?.1 == "old")
            try await accounts.setPasswordHash("new", userID: alice.id)
            #expect(try await accounts.session(secretHash: [1, 2, 3], now: now) == nil)
            #expect(try await accounts.passwordHash(userName: "alice")?.1 == "new")
        }
    }

    @Test func twoAdminsDemotingEachOtherAtOnceLeaveOneAdmin() async throws {
        try await PostgresTestDatabase.withFreshIndex { index in
            let accounts = PostgresAccountStore(index: index)
            let orgs = PostgresOrgStore(index: index)
            let (alice, _) = try await accounts.createUser(
                name: try HubName("alice"), fullname: "", email: nil, isAdmin: false, passwordHash: nil, firstToken: nil)
            let (bob, _) = try await accounts.createUser(
                name: try HubName("bob"), fullname: "", email: nil, isAdmin: false, passwordHash: nil, firstToken: nil)
            let acme = try await orgs.createOrg(name: try HubName("acme"), fullname: "Acme", privateByDefault: true, adminUserID: alice.id)
            try await orgs.setRole(.admin, userID: bob.id, orgID: acme.id)
            #expect(try await orgs.members(of: acme.id).map(\.user.name.value) == ["alice", "bob"])
            async let first: Bool = { do { try await orgs.setRole(.read, userID: alice.id, orgID: acme.id); return true } catch { return false } }()
            async let second: Bool = { do { try await orgs.setRole(.read, userID: bob.id, orgID: acme.id); return true } catch { return false } }()
            let succeeded = await [first, second].filter { $0 }.count
            #expect(succeeded == 1)
            #expect(try await orgs.members(of: acme.id).filter { $0.role == .admin }.count == 1)
            #expect(try await orgs.memberships(userID: alice.id).map(\.org.name.value) == ["acme"])
            #expect(try await orgs.orgs().map(\.memberCount) == [2])
            let renamed = try await orgs.updateSettings(orgID: acme.id, fullname: "Acme Corp", privateByDefault: false)
            #expect(renamed.fullname == "Acme Corp" && !renamed.privateByDefault)
        }
    }
}

@Suite struct PostgresURLTests {
    @Test(arguments: [
        ("mysql://u@h/db", "the database URL must look like"),
        ("postgres:///db", "the database URL must look like"),
        ("postgres://h/db", "the database URL names no user"),
        ("postgres://u@h", "the database URL names no database"),
        ("postgres://u@h/db?sslmode=sometimes", "sslmode must be disable, prefer or require"),
    ])
    func aBadDatabaseURLIsRefusedWithWhatIsWrong(url: String, message: String) {
        let error = #expect(throws: HubError.self) { _ = try PostgresIndex.configuration(url: url) }
        #expect(error?.message.hasPrefix(message) == true, "\(error?.message ?? "")")
    }

    @Test func aPasswordIsNeverPartOfTheError() {
        let error = #expect(throws: HubError.self) { _ = try PostgresIndex.configuration(url: "postgres://u:s3cret@h") }
        #expect(error?.message.contains("s3cret") == false)
    }
}

@Suite struct PostgresMigrationSplitTests {
    @Test func statementsAreSplitOutsideQuotesBodiesAndComments() {
        let sql = """
            -- a comment; with a semicolon
            CREATE TABLE a (x TEXT DEFAULT 'a;b'); CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'x;y'; RETURN NEW; END $$;
            SELECT $tag$ ; $tag$, "odd;name";
            """
        let statements = PostgresMigrations.statements(in: sql)
        #expect(statements.count == 3)
        #expect(statements[0] == "CREATE TABLE a (x TEXT DEFAULT 'a;b')")
        #expect(statements[1].hasSuffix("RETURN NEW; END $$"))
        #expect(statements[2] == "SELECT $tag$ ; $tag$, \"odd;name\"")
    }

    @Test func theShippedMigrationsSplitIntoWholeStatements() throws {
        for migration in try PostgresMigrations.bundled() {
            for statement in PostgresMigrations.statements(in: migration.sql) {
                #expect(!statement.hasPrefix("--") && !statement.isEmpty)
            }
        }
    }
}

@Suite(.enabled(if: PostgresTestDatabase.available, "needs MODELHUB_TEST_POSTGRES_URL: run under .ci/with-postgres"))
struct PostgresDiscussionStoreTests {
    @Test func discussionsOpenedAtOnceGetConsecutiveNumbers() async throws {
        try await PostgresTestDatabase.withFreshIndex { index in
            let alice = try await PostgresTestDatabase.user("alice", in: index)
            let repoRowID = try await PostgresTestDatabase.repo("alice/demo", in: index)
            let discussions = PostgresDiscussionStore(index: index)
            let actor = DiscussionActor(id: alice.id, name: "alice")
            let numbers = try await withThrowingTaskGroup(of: Int.self) { group in
                for n in 0..<10 {
                    group.addTask {
                        try await discussions.create(
                            NewDiscussion(
                                repoRowID: repoRowID, title: "t\(n)", description: "opening words", author: actor,
                                isPullRequest: n % 2 == 0, status: .open, targetBranch: n % 2 == 0 ? "main" : nil, commits: []),
                            commitPoint: { _ in }
                        ).num
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(numbers.sorted() == Array(1...10))
            #expect(try await discussions.discussions(repoRowID: repoRowID).map(\.num) == Array((1...10).reversed()))
            let first = try #require(try await discussions.discussion(repoRowID: repoRowID, num: 1))
            #expect(first.authorName == "alice" && first.status == .open)
            // A commit point that fails leaves no discussion behind.
            struct RefRefused: Error {}
            await #expect(throws: RefRefused.self) {
                _ = try await discussions.create(
                    NewDiscussion(
                        repoRowID: repoRowID, title: "x", description: "", author: actor, isPullRequest: true, status: .draft,
                        targetBranch: "main", commits: []),
                    commitPoint: { _ in throw RefRefused() })
            }
            #expect(try await discussions.discussion(repoRowID: repoRowID, num: 11) == nil)
        }
    }

    @Test func aTimelineRecordsCommentsEditsStatusesCommitsAndTheMerge() async throws {
        try await PostgresTestDatabase.withFreshIndex { index in
            let alice = try await PostgresTestDatabase.user("alice", in: index)
            let repoRowID = try await PostgresTestDatabase.repo("alice/demo", in: index)
            let store = PostgresDiscussionStore(index: index)
            try await DiscussionStoreContract.timeline(store, repoRowID: repoRowID, author: DiscussionActor(id: alice.id, name: "alice"))
        }
    }
}

@Suite(.enabled(if: PostgresTestDatabase.available, "needs MODELHUB_TEST_POSTGRES_URL: run under .ci/with-postgres"))
struct PostgresXetFileStoreTests {
    func hash(_ byte: UInt8) -> MerkleHash? {
        MerkleHash(bytes: Array(repeating: byte, count: 32))
    }

    @Test func aRegisteredFileIsFoundBoundDedupedAndCollectedOnlyOnceUnbound() async throws {
        try await PostgresTestDatabase.withFreshIndex { index in
            let repoRowID = try await PostgresTestDatabase.repo("alice/demo", in: index)
            let store = PostgresXetFileStore(index: index)
            let xorb = try #require(hash(1))
            let file = XetFile(
                hash: try #require(hash(2)), sha256: try LFSObjectID(String(repeating: "ab", count: 32)), size: 300,
                terms: [Shard.Term(xorb: xorb, unpackedBytes: 300, chunkStart: 0, chunkEnd: 3)])
            try await store.register(file, bindingTo: repoRowID)
            try await store.register(file, bindingTo: repoRowID)  // again: kept as it is
            #expect(try await store.file(hash: file.hash) == file)
            #expect(try await store.file(sha256: file.sha256) == file)
            let chunks = [try #require(hash(3)), try #require(hash(4))]
            try await store.indexForDedup(chunks.map { ($0, xorb) }, file: file.hash)
            try await store.indexForDedup([(chunks[0], try #require(hash(9)))], file: file.hash)  // the first record stays
            let entry = try #require(try await store.dedupEntry(for: chunks[0]))
            #expect(entry.xorb == xorb && entry.file == file.hash)
            #expect(try await store.allFiles().map(\.file) == [file])

            let later = Date().addingTimeInterval(60)
            #expect(try await !store.deleteIfUnbound(file.hash, registeredBefore: later))  // still bound
            try await index.execute("DELETE FROM repo_lfs_objects WHERE repo_id = \(repoRowID)")
            #expect(try await !store.deleteIfUnbound(file.hash, registeredBefore: Date().addingTimeInterval(-60)))  // too recent
            #expect(try await store.deleteIfUnbound(file.hash, registeredBefore: later))
            #expect(try await store.file(hash: file.hash) == nil)
            #expect(try await store.dedupEntry(for: chunks[1]) == nil)
        }
    }
}

@Suite(.enabled(if: PostgresTestDatabase.available, "needs MODELHUB_TEST_POSTGRES_URL: run under .ci/with-postgres"))
struct PostgresLFSStoreTests {
    @Test func bindingsAreSharedAndTheLastUnbindOrphansTheObject() async throws {
        try await PostgresTestDatabase.withFreshIndex { index in
            let repoRowIDs = [
                try await PostgresTestDatabase.repo("alice/one", in: index),
                try await PostgresTestDatabase.repo("alice/two", in: index),
            ]
            let store = PostgresLFSStore(index: index)
            let shared = try LFSObjectID(String(repeating: "a", count: 64))
            let own = try LFSObjectID(String(repeating: "b", count: 64))
            try await store.bind(shared, size: 10, toRepo: repoRowIDs[0])
            try await store.bind(shared, size: 10, toRepo: repoRowIDs[1])
            try await store.bind(own, size: 20, toRepo: repoRowIDs[0])
            #expect(try await store.boundObjects([shared, own], repo: repoRowIDs[0]) == [shared: 10, own: 20])
            #expect(try await store.boundObjects([own], repo: repoRowIDs[1]) == [:])
            #expect(try await store.boundObjects(repo: repoRowIDs[0]).map(\.oid).sorted { $0.hex < $1.hex } == [shared, own])
            #expect(try await store.repos(containing: shared).map(\.id.path) == ["alice/one", "alice/two"])
            #expect(try await store.unbind([shared, own], repo: repoRowIDs[0], onPurpose: true) == [own])
            #expect(try await store.deletedOnPurpose(repo: repoRowIDs[0]) == [shared, own])
            #expect(try await store.objects(after: nil, limit: 10).map(\.oid) == [shared].sorted { $0.hex < $1.hex })
            #expect(try await store.unbind([shared], repo: repoRowIDs[1], onPurpose: false) == [shared])
            #expect(try await store.deletedOnPurpose(repo: repoRowIDs[1]).isEmpty)
            try await store.bind(own, size: 1, toRepo: repoRowIDs[0])
            #expect(try await store.deletedOnPurpose(repo: repoRowIDs[0]) == [shared])

            // A deleted repository leaves its objects unbound: noted once, then swept past the cutoff.
            #expect(try await PostgresRepoStore(index: index).delete(try RepoID(kind: .model, namespace: "alice", name: "one")))
            let noted = Date()
            #expect(try await store.markUnbound(now: noted, dryRun: true) == 1)
            #expect(try await store.markUnbound(now: noted, dryRun: false) == 1)
            #expect(try await store.markUnbound(now: Date(), dryRun: false) == 0)
            #expect(try await store.sweepUnbound(before: noted, dryRun: false).isEmpty)
            let later = noted.addingTimeInterval(1)
            #expect(try await store.sweepUnbound(before: later, dryRun: true).map(\.oid) == [own])
            #expect(try await store.sweepUnbound(before: later, dryRun: false).map(\.size) == [1])
            #expect(try await store.storedBytes() == 0)
        }
    }

    @Test func aPathIsLockedByOneOfManyAtOnce() async throws {
        try await PostgresTestDatabase.withFreshIndex { index in
            let alice = try await PostgresTestDatabase.user("alice", in: index)
            let repoRowID = try await PostgresTestDatabase.repo("alice/demo", in: index)
            let store = PostgresLFSStore(index: index)
            let won = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        do {
                            _ = try await store.createLock(path: "model.bin", refName: nil, ownerID: alice.id, repo: repoRowID)
                            return true
                        } catch is LFSLockConflict {
                            return false
                        }
                    }
                }
                return try await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
            }
            #expect(won == 1)
            let lock = try #require(try await store.lock(path: "model.bin", repo: repoRowID))
            #expect(lock.ownerName == "alice")
            #expect(try await store.locks(repo: repoRowID, afterID: 0, limit: 10).map(\.id) == [lock.id])
            try await store.deleteLock(id: lock.id, repo: repoRowID)
            #expect(try await store.lock(id: lock.id, repo: repoRowID) == nil)
        }
    }
}

@Suite(.enabled(if: PostgresTestDatabase.available, "needs MODELHUB_TEST_POSTGRES_URL: run under .ci/with-postgres"))
struct PostgresCounterStoreTests {
    @Test func twoInstancesFlushingTheirTalliesAddUpAndLikesStayExact() async throws {
        try await PostgresTestDatabase.withFreshDatabase { url in
            // Two instances: two indexes on one database, each with its own counter store.
            let first = try await PostgresIndex.open(url: url)
            let second = try await PostgresIndex.open(url: url)
            defer { [first, second].forEach { $0.close() } }
            let alice = try await PostgresTestDatabase.user("alice", in: first)
            let bob = try await PostgresTestDatabase.user("bob", in: first)
            let demo = try await PostgresTestDatabase.repo("alice/demo", in: first)
            let other = try await PostgresTestDatabase.repo("alice/other", in: first)
            let counters = [PostgresCounterStore(index: first), PostgresCounterStore(index: second)]
            try await withThrowingTaskGroup(of: Void.self) { group in
                for round in 0..<20 {
                    let store = counters[round % 2]
                    group.addTask { try await store.recordDownloads([demo: 3, other: 1, 999_999: 5]) }
                }
                try await group.waitForAll()
            }
            let totals = try await first.rows(
                "SELECT downloads_all_time, downloads_30d, trending FROM repos WHERE id = \(demo)", as: (Int64, Int64, Int64).self)
            #expect(totals.first.map { [$0.0, $0.1, $0.2] } == [60, 60, 60])
            let downloads: [Int64] = try await first.rows("SELECT SUM(count)::bigint FROM repo_downloads", as: (Int64).self)
            #expect(downloads == [80])

            #expect(try await counters[0].like(repoRowID: demo, userID: alice.id))
            #expect(try await !counters[1].like(repoRowID: demo, userID: alice.id))
            #expect(try await counters[1].like(repoRowID: demo, userID: bob.id))
            #expect(try await counters[0].hasLiked(repoRowID: demo, userID: bob.id))
            #expect(try await counters[0].likers(repoRowID: demo, offset: 0, limit: 10).map(\.name.value) == ["alice", "bob"])
            #expect(try await counters[0].likedRepos(userID: alice.id, offset: 0, limit: 10).map(\.repo.id.path) == ["alice/demo"])
            #expect(try await counters[0].unlike(repoRowID: demo, userID: alice.id))
            #expect(try await !counters[0].unlike(repoRowID: demo, userID: alice.id))
            let after = try await first.rows("SELECT likes, trending FROM repos WHERE id = \(demo)", as: (Int64, Int64).self)
            #expect(after.first.map { [$0.0, $0.1] } == [1, 70])  // 60 downloads this week + 10 for bob's like
        }
    }

    @Test func aNewDaysRecountRewritesOnlyTheRowsWhoseCountsChange() async throws {
        try await PostgresTestDatabase.withFreshIndex { index in
            let active = try await PostgresTestDatabase.repo("alice/active", in: index)
            let idle = try await PostgresTestDatabase.repo("alice/idle", in: index)
            let today = PostgresWindowedCounters.today()
            // A download 10 days ago: still in the month, out of the week's trending.
            try await index.execute(
                "INSERT INTO repo_downloads (repo_id, day, count) VALUES (\(active), \(today - 10), 4)")
            try await index.execute("UPDATE repos SET downloads_30d = 4, trending = 4 WHERE id = \(active)")
            // A row's xmin is the transaction that wrote its current version.
            func versions() async throws -> [Int64: String] {
                Dictionary(
                    uniqueKeysWithValues: try await index.rows("SELECT id, xmin::text FROM repos", as: (Int64, String).self)
                        .map { ($0.0, $0.1) })
            }
            let before = try await versions()
            try await index.transaction { connection in
                try await PostgresWindowedCounters.recount(index, today: today, repoRowID: nil, on: connection)
            }
            let after = try await versions()
            #expect(after[idle] == before[idle])
            #expect(after[active] != before[active])
            let counts = try await index.rows(
                "SELECT downloads_30d, trending FROM repos WHERE id = \(active)", as: (Int64, Int64).self)
            #expect(counts.first.map { [$0.0, $0.1] } == [4, 0])
        }
    }
}
