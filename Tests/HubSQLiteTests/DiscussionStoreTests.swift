import Foundation
import HubCore
@testable import HubSQLite
import HubIndex
import HubTesting
import Testing

/// Discussions on SQLite: the timeline contract every index keeps (`DiscussionStoreContract`).
@Suite struct DiscussionStoreTests {
    @Test func aTimelineRecordsCommentsEditsStatusesCommitsAndTheMerge() async throws {
        let directory = try TemporaryDirectory()
        let database = try HubDatabase(path: directory.url.appendingPathComponent("hub.sqlite").path)
        let (alice, _) = try await SQLiteAccountStore(database: database).createUser(
            name: try HubName("alice"), fullname: "", email: nil, isAdmin: false, passwordHash: nil, firstToken: nil)
        let repo = try await SQLiteRepoStore(database: database).create(
            NewRepo(id: try RepoID(kind: .model, namespace: "alice", name: "demo"), isPrivate: false, sdk: nil, headCommit: "c0")
        ) { _ in }
        try await DiscussionStoreContract.timeline(
            SQLiteDiscussionStore(database: database), repoRowID: repo.rowID, author: DiscussionActor(id: alice.id, name: "alice"))
    }
}
