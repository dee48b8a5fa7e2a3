import Foundation
import HubCore
import HubIndex
import Testing

@testable import HubPostgres

/// The repository index on PostgreSQL: the same answers as SQLite's, and a row cache that never
/// serves what another instance has changed.
@Suite(.enabled(if: PostgresTestDatabase.available, "needs MODELHUB_TEST_POSTGRES_URL: run under .ci/with-postgres"))
struct PostgresRepoStoreTests {
    static func model(_ path: String) throws -> RepoID {
        let parts = path.split(separator: "/").map(String.init)
        return try RepoID(kind: .model, namespace: parts[0], name: parts[1])
    }

    @discardableResult
    static func create(_ path: String, isPrivate: Bool = false, card: RepoCard? = nil, in store: PostgresRepoStore) async throws
        -> RepoInfo
    {
        let id = try model(path)
        let info = try await store.create(NewRepo(id: id, isPrivate: isPrivate, sdk: nil, headCommit: "c0")) { _ in }
        if let card { try await store.updateCard(id, card: card) }
        return info
    }

    static func paths(_ store: PostgresRepoStore, _ configure: (inout RepoQuery) throws -> Void) async throws -> [String] {
        var query = RepoQuery(kind: .model)
        try configure(&query)
        return try await store.search(query).repos.map(\.id.path)
    }

    @Test func aRepoIsCreatedOnceWhateverTheCaseAndRollsBackWhenItsCommitPointFails() async throws {
        try await PostgresTestDatabase.withFreshIndex { index in
            let store = PostgresRepoStore(index: index)
            let id = try Self.model("alice/Demo")
            let created = try await store.create(NewRepo(id: id, isPrivate: false, sdk: nil, headCommit: "abc")) { _ in }
            #expect(try await store.find(Self.model("ALICE/demo"))?.rowID == created.rowID)
            #expect(try await store.find(rowID: created.rowID)?.id == id)
            await #expect(throws: HubError.repoExists(id)) {
                _ = try await store.create(NewRepo(id: try Self.model("alice/DEMO"), isPrivate: false, sdk: nil, headCommit: "x")) { _ in }
            }
            struct Boom: Error {}
            let failed = try Self.model("alice/failed")
            await #expect(throws: Boom.self) {
                _ = try await store.create(NewRepo(id: failed, isPrivate: false, sdk: nil, headCommit: "x")) { _ in throw Boom() }
            }
            #expect(try await store.find(failed) == nil)
            // The same name as a dataset is another repository.
            let dataset = try RepoID(kind: .dataset, namespace: "alice", name: "demo")
            _ = try await store.create(NewRepo(id: dataset, isPrivate: true, sdk: nil, headCommit: "abc")) { _ in }
            #expect(try await store.find(dataset)?.isPrivate == true)
            #expect(try await store.delete(id))
            #expect(try await !store.delete(id))
            #expect(try await store.find(id) == nil)
        }
    }

    @Test func aMirrorKeepsWhenItWasFetchedAndWhetherItIsPinned() async throws {
        try await PostgresTestDatabase.withFreshIndex { index in
            let store = PostgresRepoStore(index: index)
            let mirrored = try Self.model("google/bert")
            let fetched = Date(timeIntervalSince1970: 1_700_000_000)
            let created = try await store.create(
                NewRepo(id: mirrored, isPrivate: false, sdk: nil, headCommit: "c0", mirroredAt: fetched)) { _ in }
            #expect(created.mirror == RepoMirror(fetchedAt: fetched, pinned: false))
            #expect(try await store.find(mirrored)?.mirror == RepoMirror(fetchedAt: fetched, pinned: false))
            #expect(try await store.setMirrorPinned(try Self.model("Google/BERT"), pinned: true))
            let later = fetched.addingTimeInterval(600)
            try await store.markMirrorFetched(mirrored, at: later, isPrivate: true)
            let found = try #require(try await store.find(rowID: created.rowID))
            #expect(found.mirror == RepoMirror(fetchedAt: later, pinned: true) && found.isPrivate)
            #expect(try await store.repositories(inNamespace: try HubName("google")).first?.mirror?.pinned == true)

            let own = try await Self.create("alice/mine", in: store)
            #expect(try await store.setMirrorPinned(own.id, pinned: true) == false)
            try await store.markMirrorFetched(own.id, at: later, isPrivate: true)
            let untouched = try #require(try await store.find(own.id))
            #expect(untouched.mirror == nil && !untouched.isPrivate)
        }
    }

    @Test func twoInstancesCreatingOneRepoAtOnceGetOneRowAndOneRepoExists() async throws {
        try await PostgresTestDatabase.withFreshDatabase { url in
            let first = try await PostgresIndex.open(url: url)
            let second = try await PostgresIndex.open(url: url)
            defer { first.close(); second.close() }
            let id = try Self.model("alice/race")
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for index in [first, second] {
                    group.addTask {
                        (try? await PostgresRepoStore(index: index).create(
                            NewRepo(id: id, isPrivate: false, sdk: nil, headCommit: "c")) { _ in }) != nil
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)
        }
    }

    @Test func aRowCachedByOneInstanceIsNeverServedAfterAnotherChangedIt() async throws {
        try await PostgresTestDatabase.withFreshDatabase { url in
            let mine = PostgresRepoStore(index: try await PostgresIndex.open(url: url))
            let other = PostgresRepoStore(index: try await PostgresIndex.open(url: url))
            defer { mine.index.close(); other.index.close() }
            let id = try Self.model("alice/model")
            try await Self.create("alice/model", in: mine)
            let first = try #require(try await mine.find(id, withCounters: true))
            let version = try await mine.indexVersion()
            #expect(mine.index.repoRows.row(for: id, at: version) == first)
            #expect(try await mine.find(id, withCounters: true) == first)

            try await other.setPrivate(id, isPrivate: true)
            #expect(try await mine.indexVersion() > version)
            #expect(try await mine.find(id)?.isPrivate == true)

            try await other.updateHead(of: id, commit: "c1", lastModified: Date(), card: nil)
            #expect(try await mine.find(id)?.headCommit == "c1")

            let renamed = try Self.model("alice/renamed")
            try await other.rename(id, to: renamed) {}
            #expect(try await mine.find(id) == nil)
            #expect(try await mine.find(renamed)?.id == renamed)
            #expect(try await mine.redirect(kind: .model, from: "alice/model")?.id == renamed)

            #expect(try await other.delete(renamed))
            #expect(try await mine.find(renamed) == nil)
        }
    }

    @Test func aWriteThatChangesNothingStillMovesTheVersionButAReadDoesNot() async throws {
        try await PostgresTestDatabase.withFreshIndex { index in
            let store = PostgresRepoStore(index: index)
            try await Self.create("alice/model", in: store)
            // The first read of a day recounts the windowed counters (a write); later reads do not.
            _ = try await store.find(Self.model("alice/model"))
            let before = try await store.indexVersion()
            _ = try await store.search(RepoQuery(kind: .model))
            _ = try await store.find(Self.model("alice/model"))
            #expect(try await store.indexVersion() == before)
            // A transaction of many rows moves it once.
            try await store.updateCard(
                Self.model("alice/model"), card: RepoCard(tags: (0..<50).map { "tag\($0)" }, text: "words"))
            #expect(try await store.indexVersion() == before + 1)
        }
    }

    @Test func renamesLeaveRedirectsAndAliasesLeadToTheirTargets() async throws {
        try await PostgresTestDatabase.withFreshIndex { index in
            let store = PostgresRepoStore(index: index)
            let original = try Self.model("alice/one")
            let second = try Self.model("alice/two")
            try await Self.create("alice/one", in: store)
            try await Self.create("alice/other", in: store)
            await #expect(throws: HubError.repoExists(try Self.model("alice/other"))) {
                try await store.rename(original, to: try Self.model("alice/OTHER")) {}
            }
            try await store.rename(original, to: second) {}
            #expect(try await store.redirect(kind: .model, from: "ALICE/one")?.id == second)
            // A new repository at the old name takes it back.
            try await Self.create("alice/one", in: store)
            #expect(try await store.redirect(kind: .model, from: "alice/one") == nil)
            // A rename to another spelling of the same name is no clash and leaves no redirect.
            try await store.rename(second, to: try Self.model("alice/Two")) {}
            #expect(try await store.find(second)?.id.name.value == "Two")
            #expect(try await store.redirect(kind: .model, from: "alice/two") == nil)

            try await store.setAlias(kind: .model, name: "gpt", to: second)
            #expect(try await store.redirect(kind: .model, from: "GPT")?.id.name.value == "Two")
            try await store.setAlias(kind: .model, name: "gpt", to: try Self.model("alice/one"))
            let aliases = try await store.aliases()
            #expect(aliases.map(\.name) == ["gpt"] && aliases.first?.target.path == "alice/one")
            try await store.setAlias(kind: .model, name: "gpt", to: nil)
            #expect(try await store.aliases().isEmpty)
            await #expect(throws: HubError.badRequest("There is no alias 'gpt'")) {
                try await store.setAlias(kind: .model, name: "gpt", to: nil)
            }
            await #expect(throws: HubError.repoNotFound) {
                try await store.setAlias(kind: .model, name: "x", to: try Self.model("alice/missing"))
            }
        }
    }

    @Test func textSearchFindsEveryWordAsAPrefixOfTheIdOrTheCardAndFiltersTagsExactly() async throws {
        try await PostgresTestDatabase.withFreshIndex { index in
            let store = PostgresRepoStore(index: index)
            try await Self.create(
                "alice/spam-filter",
                card: RepoCard(tags: ["license:mit", "de", "text-classification"], text: "German spam, for e-mail."),
                in: store)
            try await Self.create("bob/bert_base.v2", card: RepoCard(tags: ["en"], text: "English encoder"), in: store)
            #expect(try await Self.paths(store) { $0.text = "german"; $0.tags = ["license:mit", "de"] } == ["alice/spam-filter"])
            #expect(try await Self.paths(store) { $0.text = "SPAM filt" } == ["alice/spam-filter"])
            #expect(try await Self.paths(store) { $0.text = "mail germ" } == ["alice/spam-filter"])
            #expect(try await Self.paths(store) { $0.text = "bert base v2" } == ["bob/bert_base.v2"])
            #expect(try await Self.paths(store) { $0.text = "bob" } == ["bob/bert_base.v2"])
            #expect(try await Self.paths(store) { $0.text = "german"; $0.tags = ["license:mi"] }.isEmpty)
            #expect(try await Self.paths(store) { $0.text = "german"; $0.tags = ["license:mit-0"] }.isEmpty)
            #expect(try await Self.paths(store) { $0.text = "german english" }.isEmpty)
            // Words never match the encoded tag tokens, and nothing in the text is an operator.
            #expect(try await Self.paths(store) { $0.text = SearchWords.tagToken("de") }.isEmpty)
            #expect(try await Self.paths(store) { $0.text = "german & !spam | (x:*" } .isEmpty)
            #expect(try await Self.paths(store) { $0.text = "!!!" }.count == 2)
            #expect(try await Self.paths(store) { $0.text = String(repeating: "a", count: 3000) }.isEmpty)
            #expect(try await Self.paths(store) { $0.tags = ["en"] } == ["bob/bert_base.v2"])
            let long = String(repeating: "x", count: 1500)
            try await store.updateCard(try Self.model("bob/bert_base.v2"), card: RepoCard(tags: ["en", long], text: "English"))
            #expect(try await Self.paths(store) { $0.text = "english"; $0.tags = [long] } == ["bob/bert_base.v2"])
        }
    }

    @Test func aSearchedPrefixIsSpelledAsTheWordsItBeginsAndFindsWhatThePrefixMatchFinds() async throws {
        try await PostgresTestDatabase.withFreshIndex { index in
            let store = PostgresRepoStore(index: index)
            let many = PostgresRepoFilter.mostCompletions + 6
            for number in 0..<many {
                try await Self.create("alice/m\(number)x", in: store)
            }
            try await Self.create("bob/cards", card: RepoCard(text: "Über große Modelle"), in: store)
            var query = RepoQuery(kind: .model)
            query.text = "m1 M zzz über"
            let completions = try await store.completions(of: query)
            // "m" begins more words than are spelled out, "über" is left to PostgreSQL's parser.
            #expect(completions == ["m1": ((10...19).map { "m\($0)x" } + ["m1x"]), "zzz": []])
            // Every "alice/m…x", and the card's "Modelle".
            #expect(try await Self.paths(store) { $0.text = "m"; $0.limit = 1000 }.count == many + 1)
            #expect(try await Self.paths(store) { $0.text = "m1" }.count == 11)
            #expect(try await Self.paths(store) { $0.text = "m1 zzz" }.isEmpty)
            #expect(try await Self.paths(store) { $0.text = "gro üb" } == ["bob/cards"])

            // A rename and a new card bring their words; a deleted repository's words stay behind
            // and find nothing.
            try await store.rename(try Self.model("alice/m0x"), to: try Self.model("alice/quokka")) {}
            #expect(try await Self.paths(store) { $0.text = "quok" } == ["alice/quokka"])
            try await store.updateCard(try Self.model("alice/m1x"), card: RepoCard(text: "A wombat"))
            #expect(try await Self.paths(store) { $0.text = "womb m1" } == ["alice/m1x"])
            #expect(try await store.delete(try Self.model("alice/quokka")))
            #expect(try await Self.paths(store) { $0.text = "quokka" }.isEmpty)
            #expect(try await store.count(query) == 0)
        }
    }

    @Test func aWalkOverEveryRepositoryGoesByRowIDPrivateOnesIncluded() async throws {
        try await PostgresTestDatabase.withFreshIndex { index in
            let store = PostgresRepoStore(index: index)
            let paths = ["alice/b", "alice/a", "bob/c"]
            for (number, path) in paths.enumerated() {
                try await Self.create(path, isPrivate: number == 1, in: store)
            }
            let first = try await store.rows(after: 0, limit: 2)
            #expect(first.map(\.id.path) == ["alice/b", "alice/a"])
            let rest = try await store.rows(after: try #require(first.last).rowID, limit: 2)
            #expect(rest.map(\.id.path) == ["bob/c"])
        }
    }

    @Test func relevanceRanksAMatchInTheNameAboveOneInTheCard() async throws {
        try await PostgresTestDatabase.withFreshIndex { index in
            let store = PostgresRepoStore(index: index)
            try await Self.create("alice/notes", card: RepoCard(text: "a whisper of a model"), in: store)
            try await Self.create("bob/whisper-large", card: RepoCard(text: "speech recognition"), in: store)
            #expect(try await Self.paths(store) { $0.text = "whisper"; $0.order = .relevance } == ["bob/whisper-large", "alice/notes"])
        }
    }

    @Test func listingsFilterByVisibilityAuthorAndTaskSortAndPage() async throws {
        try await PostgresTestDatabase.withFreshIndex { index in
            let store = PostgresRepoStore(index: index)
            for (offset, path) in ["alice/a", "alice/b", "bob/c", "carol/d"].enumerated() {
                try await Self.create(path, isPrivate: path == "bob/c" || path == "carol/d", in: store)
                try await store.updateHead(
                    of: try Self.model(path), commit: "c", lastModified: Date(timeIntervalSince1970: Double(1000 + offset)),
                    card: RepoCard(tags: ["text-classification", "language:de"], pipelineTag: offset < 2 ? "text-classification" : nil,
                                   libraryName: "transformers"))
            }
            #expect(try await Self.paths(store) { _ in } == ["alice/b", "alice/a"])
            #expect(try await Self.paths(store) { $0.ascending = true } == ["alice/a", "alice/b"])
            #expect(try await Self.paths(store) { $0.privateVisibility = PrivateVisibility(all: false, namespaces: ["BOB"], repos: []) }
                == ["bob/c", "alice/b", "alice/a"])
            #expect(try await Self.paths(store) {
                $0.privateVisibility = PrivateVisibility(all: false, namespaces: [], repos: [try Self.model("Carol/D")])
            } == ["carol/d", "alice/b", "alice/a"])
            #expect(try await Self.paths(store) { $0.privateVisibility = PrivateVisibility(all: true, namespaces: [], repos: []) }.count == 4)
            #expect(try await Self.paths(store) { $0.author = "ALICE" } == ["alice/b", "alice/a"])
            #expect(try await Self.paths(store) { $0.pipelineTag = "text-classification"; $0.author = "bob" }.isEmpty)
            var query = RepoQuery(kind: .model)
            query.privateVisibility = PrivateVisibility(all: true, namespaces: [], repos: [])
            query.limit = 3
            let first = try await store.search(query)
            #expect(first.repos.map(\.id.path) == ["carol/d", "bob/c", "alice/b"] && first.hasMore)
            query.offset = 3
            let second = try await store.search(query)
            #expect(second.repos.map(\.id.path) == ["alice/a"] && !second.hasMore)
            #expect(second.repos.first?.card.tags == ["text-classification", "language:de"])
            #expect(try await store.count(query) == 4)

            let facets = try await store.facets(RepoQuery(kind: .model), limit: 10)
            #expect(facets.tasks.map(\.value) == ["text-classification"] && facets.tasks.first?.count == 2)
            #expect(facets.libraries.first?.value == "transformers" && facets.libraries.first?.count == 2)
            #expect(facets.languages.first?.value == "de")
            #expect(facets.licenses.isEmpty)
        }
    }
}
