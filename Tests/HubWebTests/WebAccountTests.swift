import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HubCore
import HubHTTP
import HubServer
import HubTesting
import Testing

/// Signing in, sessions and the forms that change things: one test per rule.
@Suite struct WebAccountTests {
    let test: TestHub

    init() throws {
        test = try TestHub()
    }

    func app(allowSignUp: Bool = false) -> some ApplicationProtocol {
        var configuration = test.configuration
        configuration.allowSignUp = allowSignUp
        return Application(router: buildRouter(hub: test.hub, configuration: configuration))
    }

    struct Page {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let html: String
    }

    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    func get(_ client: some TestClientProtocol, _ uri: String, cookie: String? = nil) async throws -> Page {
        var headers = HTTPFields()
        if let cookie { headers[.cookie] = cookie }
        return try await client.execute(uri: uri, method: .get, headers: headers) { response in
            Page(status: response.status, headers: response.headers, html: String(buffer: response.body))
        }
    }

    func post(
        _ client: some TestClientProtocol, _ uri: String, _ fields: [(String, String)], cookie: String? = nil,
        origin: String? = nil
    ) async throws -> Page {
        var headers = Self.form
        if let cookie { headers[.cookie] = cookie }
        if let origin { headers[.origin] = origin }
        var components = URLComponents()
        components.queryItems = fields.map { URLQueryItem(name: $0.0, value: $0.1) }
        return try await client.execute(
            uri: uri, method: .post, headers: headers, body: ByteBuffer(string: components.percentEncodedQuery ?? "")
        ) { response in
            Page(status: response.status, headers: response.headers, html: String(buffer: response.body))
        }
    }

    /// Signs alice in; returns her session cookie and the page's CSRF token.
    func signIn(_ client: some TestClientProtocol, next: String = "/") async throws -> (cookie: String, csrf: String) {
        let page = try await post(client, "/login", [("name", "alice"), ("password", "correct horse"), ("next", next)])
        #expect(page.status == .seeOther || page.status == .found || page.status == .temporaryRedirect || page.status.code == 303)
        let setCookie = try #require(page.headers[.setCookie])
        #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax"))
        let cookie = String(setCookie.split(separator: ";")[0])
        let home = try await get(client, "/settings/tokens", cookie: cookie)
        let csrf = try #require(home.html.range(of: #"name="csrf" value="[^"]+""#, options: .regularExpression))
        let token = home.html[csrf].split(separator: "\"")[3]
        return (cookie, String(token))
    }

    /// Creates `alice/name` through the API.
    func createRepo(_ client: some TestClientProtocol, token: String, name: String, isPrivate: Bool = false) async throws {
        try await test.repo(name, isPrivate: isPrivate, token: token)
    }

    func alice() async throws -> String {
        let token = try await test.user("alice")
        try await test.hub.accounts.setPassword("correct horse", userName: "alice")
        return token
    }

    @Test func wrongPasswordIsRefusedWithoutSayingWhich() async throws {
        _ = try await alice()
        try await test.application().test(.router) { client in
            let wrong = try await post(client, "/login", [("name", "alice"), ("password", "wrong horse")])
            let nobody = try await post(client, "/login", [("name", "nobody"), ("password", "wrong horse")])
            #expect(wrong.status == .unauthorized && nobody.status == .unauthorized)
            #expect(wrong.html.contains("Wrong user name or password.") && wrong.headers[.setCookie] == nil)
        }
    }

    @Test func signInRedirectsOnlyWithinTheHub() async throws {
        _ = try await alice()
        try await test.application().test(.router) { client in
            let page = try await post(client, "/login", [("name", "alice"), ("password", "correct horse"), ("next", "//evil.example/")])
            #expect(page.headers[.location] == "/")
            let local = try await post(client, "/login", [("name", "alice"), ("password", "correct horse"), ("next", "/alice")])
            #expect(local.headers[.location] == "/alice")
        }
    }

    @Test func aSessionSeesPrivateRepositoriesButNeverAuthorisesTheAPI() async throws {
        let token = try await alice()
        try await test.application().test(.router) { client in
            try await createRepo(client, token: token, name: "secret", isPrivate: true)
            let (cookie, _) = try await signIn(client)
            #expect(try await get(client, "/alice/secret", cookie: cookie).status == .ok)
            #expect(try await get(client, "/alice/secret").status == .notFound)
            // The API, git and LFS authenticate by header only: the cookie is not a credential there.
            let api = try await get(client, "/api/models/alice/secret", cookie: cookie)
            #expect(api.status == .notFound)
        }
    }

    @Test func formsWithoutTheCSRFTokenAreRefused() async throws {
        _ = try await alice()
        try await test.application().test(.router) { client in
            let (cookie, csrf) = try await signIn(client)
            let missing = try await post(client, "/settings/tokens", [("name", "ci"), ("role", "read")], cookie: cookie)
            #expect(missing.status == .forbidden)
            let wrong = try await post(client, "/settings/tokens", [("name", "ci"), ("role", "read"), ("csrf", "x" + csrf)], cookie: cookie)
            #expect(wrong.status == .forbidden)
            let foreign = try await post(
                client, "/settings/tokens", [("name", "ci"), ("role", "read"), ("csrf", csrf)], cookie: cookie,
                origin: "http://evil.example")
            #expect(foreign.status == .forbidden)
            #expect(try await test.hub.accounts.tokens(userName: "alice").map(\.name) == ["default"])
        }
    }

    @Test func aNewTokenIsShownOnceAndWorks() async throws {
        _ = try await alice()
        try await test.application().test(.router) { client in
            let (cookie, csrf) = try await signIn(client)
            let created = try await post(
                client, "/settings/tokens", [("name", "laptop"), ("role", "write"), ("csrf", csrf)], cookie: cookie)
            #expect(created.status == .ok && created.html.contains("shown only once"))
            let range = try #require(created.html.range(of: #"hf_[A-Za-z0-9]{34}"#, options: .regularExpression))
            let secret = String(created.html[range])
            let whoami = try await client.execute(
                uri: "/api/whoami-v2", method: .get, headers: [.authorization: "Bearer \(secret)"]) { $0.status }
            #expect(whoami == .ok)
            let again = try await get(client, "/settings/tokens", cookie: cookie)
            #expect(again.html.contains("laptop") && !again.html.contains(secret))
            _ = try await post(client, "/settings/tokens/revoke", [("name", "laptop"), ("csrf", csrf)], cookie: cookie)
            let revoked = try await client.execute(
                uri: "/api/whoami-v2", method: .get, headers: [.authorization: "Bearer \(secret)"]) { $0.status }
            #expect(revoked == .unauthorized)
        }
    }

    @Test func settingsNeedASignedInUser() async throws {
        try await test.application().test(.router) { client in
            let page = try await get(client, "/settings/tokens")
            #expect(page.status == .found && page.headers[.location] == "/login?next=/settings/tokens")
        }
    }

    @Test func signOutEndsTheSession() async throws {
        _ = try await alice()
        try await test.application().test(.router) { client in
            let (cookie, csrf) = try await signIn(client)
            let out = try await post(client, "/logout", [("csrf", csrf)], cookie: cookie)
            #expect(out.headers[.setCookie]?.contains("Max-Age=0") == true)
            #expect(try await get(client, "/settings/tokens", cookie: cookie).status == .found)
        }
    }

    @Test func signUpIsOffUnlessConfigured() async throws {
        try await test.application().test(.router) { client in
            let page = try await get(client, "/join")
            let posted = try await post(client, "/join", [("name", "mallory"), ("password", "long enough")])
            #expect(page.status == .notFound && posted.status == .notFound)
        }
        try await app(allowSignUp: true).test(.router) { client in
            let joined = try await post(client, "/join", [("name", "carol"), ("password", "long enough")])
            #expect(joined.headers[.setCookie] != nil)
            let reserved = try await post(client, "/join", [("name", "api"), ("password", "long enough")])
            #expect(reserved.status == .badRequest)
        }
    }

    @Test func changingThePasswordNeedsTheCurrentOne() async throws {
        _ = try await alice()
        try await test.application().test(.router) { client in
            let (cookie, csrf) = try await signIn(client)
            let wrong = try await post(
                client, "/settings/password", [("current", "nope nope"), ("new", "battery staple"), ("csrf", csrf)], cookie: cookie)
            #expect(wrong.status == .forbidden)
            let changed = try await post(
                client, "/settings/password", [("current", "correct horse"), ("new", "battery staple"), ("csrf", csrf)],
                cookie: cookie)
            #expect(changed.headers[.setCookie] != nil)
            // The old session ended with the old password.
            #expect(try await get(client, "/settings/tokens", cookie: cookie).status == .found)
            let old = try await post(client, "/login", [("name", "alice"), ("password", "correct horse")])
            #expect(old.status == .unauthorized)
        }
    }

    @Test func repositorySettingsNeedTheTypedNameToDelete() async throws {
        let token = try await alice()
        try await test.application().test(.router) { client in
            try await createRepo(client, token: token, name: "demo")
            let (cookie, csrf) = try await signIn(client)
            let settings = try await get(client, "/alice/demo/settings", cookie: cookie)
            #expect(settings.status == .ok && settings.html.contains("Make it private"))
            _ = try await post(client, "/alice/demo/settings/visibility", [("private", "true"), ("csrf", csrf)], cookie: cookie)
            #expect(try await get(client, "/alice/demo").status == .notFound)
            let refused = try await post(client, "/alice/demo/settings/delete", [("confirm", "demo"), ("csrf", csrf)], cookie: cookie)
            #expect(refused.status == .badRequest && refused.html.contains("Type alice/demo exactly"))
            let renamed = try await post(client, "/alice/demo/settings/rename", [("to", "alice/renamed"), ("csrf", csrf)], cookie: cookie)
            #expect(renamed.headers[.location] == "/alice/renamed")
            _ = try await post(client, "/alice/renamed/settings/delete", [("confirm", "alice/renamed"), ("csrf", csrf)], cookie: cookie)
            #expect(try await get(client, "/alice/renamed", cookie: cookie).status == .notFound)
        }
    }

    @Test func orgAdminsChangeRolesOnTheMembersPage() async throws {
        _ = try await alice()
        _ = try await test.user("bob")
        _ = try await test.hub.orgs.create(name: "acme", fullname: nil, privateByDefault: false, owner: "alice", by: .siteOperator)
        try await test.hub.orgs.setRole(.write, of: "bob", in: "acme", by: .siteOperator)
        try await test.application().test(.router) { client in
            let (cookie, csrf) = try await signIn(client)
            let page = try await get(client, "/organizations/acme/members", cookie: cookie)
            #expect(page.status == .ok && page.html.contains(#"<option value="write" selected>write</option>"#))
            _ = try await post(client, "/organizations/acme/members", [("user", "bob"), ("role", "read"), ("csrf", csrf)], cookie: cookie)
            #expect(try await test.hub.orgs.members(of: "acme").first { $0.user.name.value == "bob" }?.role == .read)
            let lastAdmin = try await post(
                client, "/organizations/acme/members/remove", [("user", "alice"), ("csrf", csrf)], cookie: cookie)
            #expect(lastAdmin.status == .conflict && lastAdmin.html.contains("at least one admin"))
            #expect(try await get(client, "/organizations/acme/members").status == .found)
        }
    }

    @Test func signedInUsersCreateRepositoriesAndOrganizationsAndLike() async throws {
        let owner = try await test.hub.accounts.authenticate(secret: try await alice())
        try await test.application().test(.router) { client in
            let (cookie, csrf) = try await signIn(client)
            let form = try await get(client, "/new", cookie: cookie)
            #expect(form.status == .ok && form.html.contains(#"<option value="alice">alice</option>"#))
            let created = try await post(
                client, "/new", [("type", "model"), ("owner", "alice"), ("name", "from-web"), ("visibility", "private"),
                                 ("csrf", csrf)], cookie: cookie)
            #expect(created.headers[.location] == "/alice/from-web")
            let repo = try await test.hub.repos.readable(
                try RepoID(kind: .model, namespace: "alice", name: "from-web"), caller: owner)
            #expect(repo.isPrivate)
            let elsewhere = try await post(
                client, "/new", [("type", "model"), ("owner", "bob"), ("name", "x"), ("csrf", csrf)], cookie: cookie)
            #expect(elsewhere.status == .forbidden)
            let org = try await post(client, "/organizations/new", [("name", "lab"), ("csrf", csrf)], cookie: cookie)
            #expect(org.headers[.location] == "/lab")
            #expect(try await test.hub.orgs.members(of: "lab").map(\.role) == [.admin])
            let space = try await post(
                client, "/new", [("type", "space"), ("owner", "lab"), ("name", "demo"), ("sdk", "static"), ("csrf", csrf)],
                cookie: cookie)
            #expect(space.headers[.location] == "/spaces/lab/demo")
            _ = try await post(client, "/alice/from-web/like", [("like", "true"), ("csrf", csrf)], cookie: cookie)
            let liked = try await get(client, "/alice/from-web", cookie: cookie)
            #expect(liked.html.contains("<dt>Likes</dt><dd>1") && liked.html.contains(">Unlike</button>"))
            _ = try await post(client, "/alice/from-web/like", [("like", "false"), ("csrf", csrf)], cookie: cookie)
            #expect(try await get(client, "/alice/from-web", cookie: cookie).html.contains("<dt>Likes</dt><dd>0"))
        }
    }

    func commitFile(_ client: some TestClientProtocol, token: String, repo: String, path: String, text: String, query: String = "") async throws {
        let lines = [
            #"{"key":"header","value":{"summary":"add \#(path)","description":""}}"#,
            #"{"key":"file","value":{"path":"\#(path)","content":"\#(Data(text.utf8).base64EncodedString())","encoding":"base64"}}"#,
        ]
        try await client.execute(
            uri: "/api/models/\(repo)/commit/main\(query)", method: .post,
            headers: [.authorization: "Bearer \(token)", .contentType: "application/x-ndjson"],
            body: ByteBuffer(string: lines.joined(separator: "\n"))
        ) { response in
            #expect(response.status == .ok)
        }
    }

    @Test func branchesTagsAndTextFilesAreEditedInTheBrowser() async throws {
        let token = try await alice()
        try await test.application().test(.router) { client in
            try await createRepo(client, token: token, name: "demo")
            try await commitFile(client, token: token, repo: "alice/demo", path: "notes.txt", text: "one\n")
            let (cookie, csrf) = try await signIn(client)

            _ = try await post(client, "/alice/demo/branches", [("name", "dev"), ("from", "main"), ("csrf", csrf)], cookie: cookie)
            _ = try await post(
                client, "/alice/demo/tags", [("name", "v1"), ("revision", "main"), ("message", "first"), ("csrf", csrf)], cookie: cookie)
            let branches = try await get(client, "/alice/demo/branches", cookie: cookie)
            #expect(branches.html.contains(#">dev</a>"#) && branches.html.contains(#">v1</a>"#))
            let clash = try await post(client, "/alice/demo/branches", [("name", "dev"), ("from", "main"), ("csrf", csrf)], cookie: cookie)
            #expect(clash.status == .conflict)

            // Add a file, edit it, then an edit made from a stale page is refused with the text kept.
            let tree = try await get(client, "/alice/demo/tree/dev", cookie: cookie)
            #expect(tree.html.contains(#"href="/alice/demo/new/dev""#))
            let form = try await get(client, "/alice/demo/new/dev", cookie: cookie)
            let parent = try #require(form.html.range(of: #"name="parent" value="[0-9a-f]{40}""#, options: .regularExpression))
            let base = String(form.html[parent].split(separator: "\"")[3])
            let added = try await post(
                client, "/alice/demo/new/dev",
                [("path", "docs/howto.md"), ("content", "line 1\r\nline 2\r\n"), ("summary", "add howto"), ("parent", base),
                 ("csrf", csrf)], cookie: cookie)
            #expect(added.headers[.location] == "/alice/demo/blob/dev/docs/howto.md")
            let raw = try await get(client, "/alice/demo/raw/dev/docs/howto.md")
            #expect(raw.html == "line 1\nline 2\n")
            let stale = try await post(
                client, "/alice/demo/edit/dev/docs/howto.md",
                [("path", "docs/howto.md"), ("content", "my change"), ("summary", "edit"), ("parent", base), ("csrf", csrf)],
                cookie: cookie)
            #expect(stale.status == .preconditionFailed && stale.html.contains("my change"))
            let blob = try await get(client, "/alice/demo/blob/dev/docs/howto.md", cookie: cookie)
            let current = try #require(blob.html.range(of: #"name="parent" value="[0-9a-f]{40}""#, options: .regularExpression))
            let head = String(blob.html[current].split(separator: "\"")[3])
            _ = try await post(
                client, "/alice/demo/delete/dev/docs/howto.md", [("parent", head), ("csrf", csrf)], cookie: cookie)
            #expect(try await get(client, "/alice/demo/raw/dev/docs/howto.md").status == .notFound)
            // main was never touched.
            #expect(try await get(client, "/alice/demo/tree/main").html.contains("howto") == false)

            _ = try await post(client, "/alice/demo/branches/delete", [("name", "dev"), ("csrf", csrf)], cookie: cookie)
            #expect(try await get(client, "/alice/demo/tree/dev").status == .notFound)
            let main = try await post(client, "/alice/demo/branches/delete", [("name", "main"), ("csrf", csrf)], cookie: cookie)
            #expect(main.status == .forbidden || main.status == .badRequest)
        }
    }

    /// Editing pages need a session before anything is looked up, then write access; a form a
    /// reader sends is refused on the page it came from, saying why.
    @Test func editingNeedsASessionAndWriteAccess() async throws {
        _ = try await alice()
        let bob = try await test.user("bob")
        try await test.repo("open", owner: "bob", token: bob)
        try await test.repo("closed", owner: "bob", isPrivate: true, token: bob)
        try await test.application().test(.router) { client in
            for repo in ["bob/open", "bob/closed", "bob/nothing"] {
                let page = try await get(client, "/\(repo)/new/main")
                #expect(page.status == .found && page.headers[.location] == "/login?next=/\(repo)/new/main", "\(repo)")
            }
            let (cookie, csrf) = try await signIn(client)
            let refused = try await get(client, "/bob/open/edit/main/.gitattributes", cookie: cookie)
            #expect(refused.status == .forbidden && refused.html.contains("write access to bob/open"))
            #expect(try await get(client, "/bob/closed/edit/main/.gitattributes", cookie: cookie).status == .notFound)
            let branch = try await post(client, "/bob/open/branches", [("name", "mine"), ("csrf", csrf)], cookie: cookie)
            #expect(branch.status == .forbidden && branch.html.contains("write access to bob/open"))
            #expect(branch.html.contains(">main</a>"))
            let hidden = try await post(client, "/bob/closed/branches", [("name", "mine"), ("csrf", csrf)], cookie: cookie)
            #expect(hidden.status == .notFound)
        }
    }

    @Test func pullRequestsAreListed() async throws {
        let token = try await alice()
        try await test.application().test(.router) { client in
            try await createRepo(client, token: token, name: "demo")
            try await commitFile(client, token: token, repo: "alice/demo", path: "a.txt", text: "a", query: "?create_pr=1")
            let page = try await get(client, "/alice/demo/discussions")
            #expect(page.status == .ok && page.html.contains("#1 add a.txt") && page.html.contains("/alice/demo/discussions/1"))
            let discussion = try await get(client, "/alice/demo/discussions/1")
            #expect(discussion.status == .ok && discussion.html.contains("/alice/demo/tree/refs/pr/1"))
            #expect(discussion.html.contains("/alice/demo/blob/refs/pr/1/a.txt"))
            #expect(try await get(client, "/alice/demo/discussions/2").status == .notFound)
            #expect(try await get(client, "/alice/demo/discussions/x").status == .notFound)
            let pr = try await get(client, "/alice/demo/tree/refs%2Fpr%2F1")
            #expect(pr.status == .ok && pr.html.contains("a.txt"))
        }
    }

    @Test func uploadedFilesBecomeOneCommitWithBinariesInLFS() async throws {
        let token = try await alice()
        try await test.application().test(.router) { client in
            try await createRepo(client, token: token, name: "demo")
            let (cookie, csrf) = try await signIn(client)
            let weights: [UInt8] = [0, 1, 2, 3, 0, 255, 7] + Array(repeating: 9, count: 1000)
            func part(_ name: String, filename: String? = nil, _ bytes: [UInt8]) -> [UInt8] {
                let disposition = "Content-Disposition: form-data; name=\"\(name)\"" + (filename.map { "; filename=\"\($0)\"" } ?? "")
                return Array("--XyZ\r\n\(disposition)\r\n\r\n".utf8) + bytes + Array("\r\n".utf8)
            }
            var body = part("csrf", Array(csrf.utf8)) + part("summary", Array("two files".utf8))
            body += part("files", filename: "notes.txt", Array("hello\n".utf8)) + part("files", filename: "model.bin", weights)
            body += Array("--XyZ--\r\n".utf8)
            var headers = HTTPFields()
            headers[.cookie] = cookie
            headers[.contentType] = "multipart/form-data; boundary=XyZ"
            let status = try await client.execute(
                uri: "/alice/demo/upload/main/data", method: .post, headers: headers, body: ByteBuffer(bytes: body)
            ) { response in
                #expect(response.headers[.location] == "/alice/demo/tree/main/data")
                return response.status
            }
            #expect(status.code == 303)
            #expect(try await get(client, "/alice/demo/raw/main/data/notes.txt").html == "hello\n")
            let pointer = try await get(client, "/alice/demo/raw/main/data/model.bin")
            #expect(pointer.html.hasPrefix("version https://git-lfs.github.com/spec/v1"))
            let download = try await client.execute(uri: "/alice/demo/resolve/main/data/model.bin", method: .get) {
                Array($0.body.readableBytesView)
            }
            #expect(download == weights)
            let history = try await get(client, "/alice/demo/commits/main")
            #expect(history.html.contains("two files"))

            // Without the session's token nothing is stored.
            headers[.contentType] = "multipart/form-data; boundary=XyZ"
            let forged = part("files", filename: "x.txt", Array("x".utf8)) + Array("--XyZ--\r\n".utf8)
            let refused = try await client.execute(
                uri: "/alice/demo/upload/main", method: .post, headers: headers, body: ByteBuffer(bytes: forged)) { $0.status }
            #expect(refused == .forbidden)
        }
    }

    /// Found by the `multipart` fuzz target: a byte past 0x7F in a part's header name indexed past
    /// MultipartKit's 128-entry table and stopped the server, for any signed-in user.
    @Test func anUploadWithABinaryHeaderNameIsBadRequest() async throws {
        let token = try await alice()
        try await test.application().test(.router) { client in
            try await createRepo(client, token: token, name: "demo")
            let (cookie, _) = try await signIn(client)
            var headers = HTTPFields()
            headers[.cookie] = cookie
            headers[.contentType] = "multipart/form-data; boundary=fuzz"
            let body = try #require(Data(base64Encoded: MultipartFormDataTests.fuzzCrash))
            let status = try await client.execute(
                uri: "/alice/demo/upload/main", method: .post, headers: headers, body: ByteBuffer(data: body)) { $0.status }
            #expect(status == .badRequest)
            #expect(try await get(client, "/alice/demo").status == .ok)
        }
    }

    @Test func fineGrainedTokensAndOrgSettingsFromTheBrowser() async throws {
        _ = try await alice()
        _ = try await test.hub.orgs.create(name: "acme", fullname: nil, privateByDefault: false, owner: "alice", by: .siteOperator)
        try await test.application().test(.router) { client in
            let (cookie, csrf) = try await signIn(client)
            let created = try await post(
                client, "/settings/tokens",
                [("name", "ci"), ("role", "fineGrained"), ("scopes", "acme=write\r\ndatasets/alice/news=read"), ("csrf", csrf)],
                cookie: cookie)
            #expect(created.status == .ok && created.html.contains("acme=write") && created.html.contains("datasets/alice/news=read"))
            let stored = try #require(try await test.hub.accounts.tokens(userName: "alice").first { $0.name == "ci" })
            #expect(stored.role == .fineGrained && stored.scopes.count == 2)
            let unknown = try await post(
                client, "/settings/tokens", [("name", "bad"), ("role", "fineGrained"), ("scopes", "nobody=read"), ("csrf", csrf)],
                cookie: cookie)
            #expect(unknown.status == .notFound)
            let empty = try await post(
                client, "/settings/tokens", [("name", "bad"), ("role", "fineGrained"), ("scopes", ""), ("csrf", csrf)], cookie: cookie)
            #expect(empty.status == .badRequest)

            _ = try await post(
                client, "/organizations/acme/settings", [("fullname", "Acme Corp"), ("privateByDefault", "true"), ("csrf", csrf)],
                cookie: cookie)
            let org = try await test.hub.orgs.org(named: "acme")
            #expect(org.fullname == "Acme Corp" && org.privateByDefault)
        }
    }
}
