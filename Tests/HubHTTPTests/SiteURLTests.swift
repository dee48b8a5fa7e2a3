import HTTPTypes
import Hummingbird
import HummingbirdTesting
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

    /// Each link goes to the route its layout comes from, which reads back the repository, the
    /// revision and the path the link was written with.
    @Test func everyLinkIsServedByTheRouteOfItsKind() async throws {
        let links: [(SiteURL, SiteURL.Route, expected: String)] = [
            (.repo(model), .repo(.model), "alice/demo"),
            (.repo(dataset), .repo(.dataset), "datasets/org/data"),
            (.atRevision(model, .tree, revision: "main"), .atRevision(.model, .tree, withPath: false), "alice/demo main"),
            (.atRevision(dataset, .tree, revision: "refs/pr/1", path: "docs/a b#c.md"),
             .atRevision(.dataset, .tree, withPath: true), "datasets/org/data refs/pr/1 docs/a b#c.md"),
            (.atRevision(model, .resolve, revision: "v1.0", path: "model.safetensors"),
             .atRevision(.model, .resolve, withPath: true), "alice/demo v1.0 model.safetensors"),
            (.atRevision(space, .newFile, revision: "dev"), .atRevision(.space, .newFile, withPath: false), "spaces/alice/app dev"),
            (.atRevision(model, .commits, revision: "main"), .atRevision(.model, .commits, withPath: false), "alice/demo main"),
            (.commit(model, "0123abcd"), .commit(.model), "alice/demo 0123abcd"),
            (.branches(space), .branches(.space), "spaces/alice/app"),
            (.settings(dataset), .settings(.dataset), "datasets/org/data"),
            // `/app/` (the slash makes the app's relative links resolve inside it) is the app's root.
            (.app(space), .app(withPath: false), "spaces/alice/app"),
            (.gitLFS(model), .gitLFS(.model), "alice/demo"),
            (.profile("alice"), .profile, "alice"),
            (.orgMembers("org"), .orgMembers, "org"),
        ]
        let router = Router(context: HubRequestContext.self)
        for (_, route, _) in links {
            router.get(route.routerPath) { _, context -> String in
                if route == .profile { return context.parameters.get("namespace") ?? "" }
                if route == .orgMembers { return context.parameters.get("org") ?? "" }
                let kinds = RepoKind.allCases.filter { kind in route == .app(withPath: false) ? kind == .space : "\(route)".contains("\(kind)") }
                let id = kinds.first.flatMap { context.repoIDIfValid(kind: $0) }?.webPath ?? "?"
                guard context.parameters.get("revision") != nil else { return id }
                let (revision, path) = try context.revisionAndPath()
                return [id, revision, path].filter { !$0.isEmpty }.joined(separator: " ")
            }
        }
        try await Application(router: router).test(.router) { client in
            for (link, _, expected) in links {
                try await client.execute(uri: link.path, method: .get) { response in
                    #expect(response.status == .ok, "\(link.path)")
                    #expect(String(buffer: response.body) == expected, "\(link.path)")
                }
            }
        }
    }
}
