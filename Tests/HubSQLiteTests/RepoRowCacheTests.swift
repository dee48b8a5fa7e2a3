import Foundation
import HubCore
@testable import HubSQLite
import HubIndex
import HubTesting
import Testing

/// The repository-row cache must never answer with a row that a read would not return: every
/// test reads a row once (so it is cached), changes the database, and reads again.
@Suite struct RepoRowCacheTests {
    let directory: TemporaryDirectory
    let database: HubDatabase
    let store: SQLiteRepoStore
    let id: RepoID

    init() async throws {
        directory = try TemporaryDirectory()
        database = try HubDatabase(path: directory.url.appendingPathComponent("hub.sqlite").path)
        store = SQLiteRepoStore(database: database)
        id = try RepoID(kind: .model, namespace: "alice", name: "model")
        _ = try await store.create(NewRepo(id: id, isPrivate: false, sdk: nil, headCommit: "abc")) { _ in }
    }

    /// What an admin command or a second server on the same data folder does: its own connection.
    func otherProcess() throws -> SQLiteRepoStore {
        SQLiteRepoStore(database: try HubDatabase(path: directory.url.appendingPathComponent("hub.sqlite").path))
    }

    @Test func aRepeatedReadIsServedFromTheCache() async throws {
        let first = try #require(try await store.find(id, withCounters: true))
        let version = try database.dataVersion.currentVersion()
        #expect(database.repoRows.row(for: id, at: version) == first)
        #expect(try await store.find(id, withCounters: true) == first)
    }

    @Test func aVisibilityChangeByAnotherConnectionIsSeenAtOnce() async throws {
        #expect(try await store.find(id, withCounters: false)?.isPrivate == false)
        try await otherProcess().setPrivate(id, isPrivate: true)
        #expect(try await store.find(id, withCounters: false)?.isPrivate == true)
    }

    @Test func aRepoDeletedByAnotherConnectionIsMissingAtOnce() async throws {
        #expect(try await store.find(id, withCounters: false) != nil)
        #expect(try await otherProcess().delete(id))
        #expect(try await store.find(id, withCounters: false) == nil)
    }

    @Test func thisProcessesOwnWritesAreSeenAtOnce() async throws {
        #expect(try await store.find(id, withCounters: true)?.headCommit == "abc")
        try await store.updateHead(of: id, commit: "def", lastModified: Date(), card: nil)
        #expect(try await store.find(id, withCounters: true)?.headCommit == "def")
        let row = try #require(try await store.find(id, withCounters: true))
        try await SQLiteCounterStore(database: database).recordDownload(repoRowID: row.rowID)
        #expect(try await store.find(id, withCounters: true)?.counters.downloadsAllTime == 1)
    }

    @Test func aRenamedRepoIsFoundOnlyUnderItsNewName() async throws {
        let renamed = try RepoID(kind: .model, namespace: "alice", name: "renamed")
        #expect(try await store.find(id, withCounters: false) != nil)
        try await otherProcess().rename(id, to: renamed) {}
        #expect(try await store.find(id, withCounters: false) == nil)
        #expect(try await store.find(renamed, withCounters: false)?.id == renamed)
    }

    @Test func aRowReadBeforeANewerVersionIsNotKept() throws {
        let cache = database.repoRows
        let row = RepoInfo(rowID: 1, id: id, isPrivate: false, sdk: nil, headCommit: "abc", createdAt: Date(), lastModified: Date())
        cache.store(row, for: id, at: 7)
        cache.store(RepoInfo(rowID: 1, id: id, isPrivate: true, sdk: nil, headCommit: "old", createdAt: Date(), lastModified: Date()),
                    for: id, at: 6)
        #expect(cache.row(for: id, at: 7) == row)
        #expect(cache.row(for: id, at: 6) == nil)
        #expect(cache.row(for: id, at: 8) == nil)
    }
}
