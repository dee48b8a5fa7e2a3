import Foundation
import HubCore
import HubIndex
import Testing

@testable import HubPostgres

/// Access requests on PostgreSQL: one per user and repository, asking again keeps the decision,
/// a decision moves it, `grant_access` creates it.
@Suite(.enabled(if: PostgresTestDatabase.available, "needs MODELHUB_TEST_POSTGRES_URL: run under .ci/with-postgres"))
struct PostgresAccessRequestStoreTests {
    @Test func aRequestIsMadeOnceAndMovedByDecisions() async throws {
        try await PostgresTestDatabase.withFreshIndex { index in
            let accounts = PostgresAccountStore(index: index)
            let (bob, _) = try await accounts.createUser(
                name: try HubName("bob"), fullname: "Bob", email: "bob@example.com", isAdmin: false, passwordHash: nil,
                firstToken: nil)
            let (carol, _) = try await accounts.createUser(
                name: try HubName("carol"), fullname: "", email: nil, isAdmin: false, passwordHash: nil, firstToken: nil)
            let repo = try await PostgresRepoStoreTests.create("alice/llama", in: PostgresRepoStore(index: index))
            let store = PostgresAccessRequestStore(index: index)

            let made = try await store.request(repo: repo.rowID, userID: bob.id, fieldsJSON: #"{"why":"x"}"#, status: .pending)
            #expect(made.user == bob && made.status == .pending && made.fieldsJSON == #"{"why":"x"}"#)
            let again = try await store.request(repo: repo.rowID, userID: bob.id, fieldsJSON: nil, status: .accepted)
            #expect(again.id == made.id && again.status == .pending)
            #expect(try await store.status(repo: repo.rowID, userID: bob.id) == .pending)
            #expect(try await store.status(repo: repo.rowID, userID: carol.id) == nil)

            #expect(try await store.decide(repo: repo.rowID, userID: bob.id, status: .rejected, rejectionReason: "no", creating: false))
            #expect(try await store.requests(repo: repo.rowID, status: .rejected).map(\.rejectionReason) == ["no"])
            #expect(try await store.decide(repo: repo.rowID, userID: carol.id, status: .accepted, rejectionReason: nil, creating: false) == false)
            #expect(try await store.decide(repo: repo.rowID, userID: carol.id, status: .accepted, rejectionReason: nil, creating: true))
            #expect(try await store.requests(repo: repo.rowID, status: .accepted).map(\.user.name.value) == ["carol"])
            #expect(try await store.requests(repo: repo.rowID, status: .pending).isEmpty)
        }
    }
}
