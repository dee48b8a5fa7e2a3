import HubCore
@testable import HubServices
import HubTesting
import Testing

/// Branches, tags and history at the service, on a grant.
@Suite struct RefServiceTests {
    let test: TestHub
    let token: String
    let id: RepoID

    init() async throws {
        test = try TestHub()
        token = try await test.user("alice")
        id = try await test.repo("spam", token: token).id
        try await test.commit(["a.txt": "one"], to: id, summary: "first", token: token)
    }

    func grant(_ token: String? = nil) async throws -> RepoGrant {
        try await test.hub.repos.grant(id, caller: try await test.caller(token ?? self.token), need: .read)
    }

    @Test func branchesAndTagsAreMadeAndRemoved() async throws {
        let grant = try await grant()
        try await test.hub.refs.createBranch(grant, name: "dev", startingPoint: nil)
        try await test.hub.refs.createTag(grant, revision: "main", tag: "v1", message: "first release")
        var names = try test.hub.refs.refs(grant).map(\.name)
        #expect(names.contains("refs/heads/dev") && names.contains("refs/tags/v1"))
        await #expect(throws: HubError.self) { try await test.hub.refs.createBranch(grant, name: "dev", startingPoint: nil) }
        try await test.hub.refs.deleteBranch(grant, name: "dev")
        try await test.hub.refs.deleteTag(grant, tag: "v1")
        names = try test.hub.refs.refs(grant).map(\.name)
        #expect(!names.contains("refs/heads/dev") && !names.contains("refs/tags/v1"))
    }

    @Test func aBranchMayNotShadowAPullRequestsRef() async throws {
        let grant = try await grant()
        await #expect(throws: HubError.badRequest("Invalid reference for a branch: refs/pr/5")) {
            try await test.hub.refs.createBranch(grant, name: "refs/pr/5", startingPoint: nil)
        }
    }

    @Test func aReadGrantNeverChangesARef() async throws {
        let reader = try await test.user("mallory")
        let grant = try await grant(reader)
        await #expect(throws: HubError.forbidden("You don't have write access to alice/spam")) {
            try await test.hub.refs.createBranch(grant, name: "mine", startingPoint: nil)
        }
        await #expect(throws: HubError.forbidden("You don't have write access to alice/spam")) {
            try await test.hub.refs.deleteBranch(grant, name: "main")
        }
    }

    @Test func historyIsPagedNewestFirstAndOneCommitListsItsChanges() async throws {
        try await test.commit(["b.txt": "two"], to: id, summary: "second", token: token)
        let grant = try await grant()
        let (first, more) = try test.hub.refs.commits(grant, revision: "main", offset: 0, limit: 2)
        #expect(first.map(\.title) == ["second", "first"] && more)
        let (entry, changes) = try test.hub.refs.commit(grant, revision: first[0].id)
        #expect(entry.title == "second" && changes.map(\.path) == ["b.txt"])
        await #expect(throws: HubError.revisionNotFound("nope")) { try test.hub.refs.commit(grant, revision: "nope") }
    }
}
