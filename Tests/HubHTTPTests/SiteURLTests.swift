import HubCore
import HubHTTP
import Testing

/// The hub's links, as pages and API answers write them.
@Suite struct SiteURLTests {
    let model: RepoID
    let dataset: RepoID
    let space: RepoID

    init() throws {
        model = try RepoID(kind: .model, namespace: "alice", name: "demo")
        dataset = try RepoID(kind: .dataset, namespace: "org", name: "data")
        space = try RepoID(kind: .space, namespace: "alice", name: "app")
    }

    @Test func repositoriesOfEachKindLiveAtTheirPrefix() {
        #expect(SiteURL.repo(model).path == "/alice/demo")
        #expect(SiteURL.repo(dataset).path == "/datasets/org/data")
        #expect(SiteURL.repo(dataset).absolute("http://hub:8080") == "http://hub:8080/datasets/org/data")
        #expect(SiteURL.gitLFS(dataset).path == "/datasets/org/data.git/info/lfs")
        #expect(SiteURL.profile("alice").path == "/alice")
        #expect(SiteURL.orgMembers("org").path == "/organizations/org/members")
    }

    @Test func aRevisionWithSlashesAndAPathWithReservedCharactersStayOneLink() {
        #expect(SiteURL.atRevision(model, .tree, revision: "refs/pr/1").path == "/alice/demo/tree/refs/pr/1")
        #expect(SiteURL.atRevision(model, .resolve, revision: "main", path: "a b/c#d?.txt").path
            == "/alice/demo/resolve/main/a%20b/c%23d%3F.txt")
        #expect(SiteURL.atRevision(model, .newFile, revision: "dev").path == "/alice/demo/new/dev")
        #expect(SiteURL.atRevision(model, .upload, revision: "main", path: "").path == "/alice/demo/upload/main")
    }

    @Test func commitsPullRequestsAndPagesOfARepository() {
        #expect(SiteURL.commit(model, "abc123").path == "/alice/demo/commit/abc123")
        #expect(SiteURL.discussion(model, 3).path == "/alice/demo/discussions/3")
        #expect(SiteURL.branches(model).path == "/alice/demo/branches")
        #expect(SiteURL.settings(model).path == "/alice/demo/settings")
        #expect(SiteURL.app(space).path == "/spaces/alice/app/app/")
    }
}
