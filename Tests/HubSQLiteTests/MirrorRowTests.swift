import Foundation
import HubCore
@testable import HubSQLite
import HubIndex
import HubTesting
import Testing

/// What the index keeps of a mirrored repository: when it was fetched and whether it is pinned;
/// this hub's own repositories are never marked.
@Suite struct MirrorRowTests {
    let directory: TemporaryDirectory
    let store: SQLiteRepoStore

    init() throws {
        directory = try TemporaryDirectory()
        store = SQLiteRepoStore(database: try HubDatabase(path: directory.url.appendingPathComponent("hub.sqlite").path))
    }

    @Test func aMirrorKeepsWhenItWasFetchedAndWhetherItIsPinned() async throws {
        let mirrored = try RepoID(kind: .model, namespace: "google", name: "bert")
        let fetched = Date(timeIntervalSince1970: 1_700_000_000)
        let created = try await store.create(
            NewRepo(id: mirrored, isPrivate: false, sdk: nil, headCommit: "c0", mirroredAt: fetched)) { _ in }
        #expect(created.mirror == RepoMirror(fetchedAt: fetched, pinned: false))
        #expect(try await store.find(mirrored)?.mirror == RepoMirror(fetchedAt: fetched, pinned: false))

        #expect(try await store.setMirrorPinned(mirrored, pinned: true))
        let later = fetched.addingTimeInterval(600)
        try await store.markMirrorFetched(mirrored, at: later, isPrivate: true)
        let found = try #require(try await store.find(mirrored))
        #expect(found.mirror == RepoMirror(fetchedAt: later, pinned: true) && found.isPrivate)

        let own = try RepoID(kind: .model, namespace: "alice", name: "mine")
        _ = try await store.create(NewRepo(id: own, isPrivate: false, sdk: nil, headCommit: "c1")) { _ in }
        #expect(try await store.setMirrorPinned(own, pinned: true) == false)
        try await store.markMirrorFetched(own, at: later, isPrivate: true)
        let untouched = try #require(try await store.find(own))
        #expect(untouched.mirror == nil && !untouched.isPrivate)
    }
}
