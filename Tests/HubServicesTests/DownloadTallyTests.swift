import Foundation
import HubCore
import HubIndex
import HubSQLite
@testable import HubServices
import HubTesting
import Testing

@Suite struct DownloadTallyTests {
    let directory: TemporaryDirectory
    let database: HubDatabase
    let repos: SQLiteRepoStore
    let counters: SQLiteCounterStore

    init() throws {
        directory = try TemporaryDirectory()
        database = try HubDatabase(path: directory.url.appendingPathComponent("hub.sqlite").path)
        repos = SQLiteRepoStore(database: database)
        counters = SQLiteCounterStore(database: database)
    }

    func repo(_ name: String) async throws -> RepoInfo {
        try await repos.create(
            NewRepo(id: try RepoID(kind: .model, namespace: "alice", name: name), isPrivate: false, sdk: nil, headCommit: "abc")
        ) { _ in }
    }

    func downloads(of repo: RepoInfo) async throws -> Int64 {
        try #require(try await repos.find(repo.id, withCounters: true)).counters.downloadsAllTime
    }

    @Test func countsWaitInMemoryUntilFlushed() async throws {
        let tally = DownloadTally(store: counters, delay: .seconds(3600))
        let first = try await repo("first")
        let second = try await repo("second")
        for _ in 0..<3 { tally.add(repoRowID: first.rowID) }
        tally.add(repoRowID: second.rowID)
        #expect(try await downloads(of: first) == 0)
        try await tally.flush()
        #expect(try await downloads(of: first) == 3)
        #expect(try await downloads(of: second) == 1)
        #expect(try await repos.find(first.id, withCounters: true)?.counters.downloads == 3)
        // Nothing is written twice.
        try await tally.flush()
        #expect(try await downloads(of: first) == 3)
    }

    @Test func countsReachTheIndexAfterTheDelayWithoutAFlush() async throws {
        let tally = DownloadTally(store: counters, delay: .milliseconds(50))
        let counted = try await repo("counted")
        tally.add(repoRowID: counted.rowID)
        tally.add(repoRowID: counted.rowID)
        var seen: Int64 = 0
        for _ in 0..<100 where seen < 2 {
            try await Task.sleep(for: .milliseconds(20))
            seen = try await downloads(of: counted)
        }
        #expect(seen == 2)
    }

    @Test func aRepositoryDeletedBeforeTheFlushDoesNotLoseTheOthersCounts() async throws {
        let tally = DownloadTally(store: counters, delay: .seconds(3600))
        let kept = try await repo("kept")
        let deleted = try await repo("deleted")
        tally.add(repoRowID: kept.rowID)
        tally.add(repoRowID: deleted.rowID)
        #expect(try await repos.delete(deleted.id))
        try await tally.flush()
        #expect(try await downloads(of: kept) == 1)
    }

    @Test func aFailedWriteKeepsItsCountsForTheNextOne() async throws {
        let store = FailingOnce(wrapped: counters)
        let tally = DownloadTally(store: store, delay: .seconds(3600))
        let counted = try await repo("counted")
        tally.add(repoRowID: counted.rowID)
        await #expect(throws: FailingOnce.Failure.self) { try await tally.flush() }
        #expect(try await downloads(of: counted) == 0)
        tally.add(repoRowID: counted.rowID)
        try await tally.flush()
        #expect(try await downloads(of: counted) == 2)
    }
}

/// A counter store whose first batch write fails, as a full disk would make it.
final class FailingOnce: CounterStore, @unchecked Sendable {
    struct Failure: Error {}
    let wrapped: any CounterStore
    private let lock = NSLock()
    private var failed = false

    init(wrapped: any CounterStore) {
        self.wrapped = wrapped
    }

    func recordDownloads(_ counts: [Int64: Int]) async throws {
        let fail = lock.withLock {
            defer { failed = true }
            return !failed
        }
        if fail { throw Failure() }
        try await wrapped.recordDownloads(counts)
    }

    func like(repoRowID: Int64, userID: Int64) async throws -> Bool { try await wrapped.like(repoRowID: repoRowID, userID: userID) }
    func unlike(repoRowID: Int64, userID: Int64) async throws -> Bool { try await wrapped.unlike(repoRowID: repoRowID, userID: userID) }
    func likers(repoRowID: Int64, offset: Int, limit: Int) async throws -> [User] {
        try await wrapped.likers(repoRowID: repoRowID, offset: offset, limit: limit)
    }
    func hasLiked(repoRowID: Int64, userID: Int64) async throws -> Bool { try await wrapped.hasLiked(repoRowID: repoRowID, userID: userID) }
    func likedRepos(userID: Int64, offset: Int, limit: Int) async throws -> [(repo: RepoInfo, likedAt: Date)] {
        try await wrapped.likedRepos(userID: userID, offset: offset, limit: limit)
    }
}
