import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HubHTTP
import HubTesting
import Testing

/// Every page of the web UI through the router: its status, what a reader looks for on it, the
/// headers that keep it safe, and the escaping of names and card text someone hostile wrote.
@Suite struct WebPagesTests {
    let test: TestHub

    init() throws {
        test = try TestHub()
    }

    static let hostileCard = """
        ---
        language: de
        license: mit
        pipeline_tag: text-classification
        library_name: transformers
        tags:
        - "<script>alert('tag')</script>"
        - spam
        ---
        # German spam filter

        Finds spam in German e-mails.

        <script>alert('block')</script>

        [click](javascript:alert('link')) <img src=x onerror="alert('img')">
        """

    /// Creates `alice/name` with a README and a nested file.
    func makeRepo(_ client: some TestClientProtocol, token: String, name: String, isPrivate: Bool = false) async throws {
        let repo = try await test.repo(name, isPrivate: isPrivate, token: token)
        try await test.commit(
            ["README.md": Self.hostileCard, "conf/config.json": #"{"layers": "<b>2</b>"}"#], to: repo.id,
            summary: "add <b>card</b>", description: "more words", token: token)
    }

    func page(_ client: some TestClientProtocol, _ uri: String) async throws -> (HTTPResponse.Status, HTTPFields, String) {
        try await client.execute(uri: uri, method: .get) { response in
            (response.status, response.headers, String(buffer: response.body))
        }
    }

    @Test func everyPageSetsAStrictContentSecurityPolicy() async throws {
        let token = try await test.user("alice")
        try await test.application().test(.router) { client in
            try await makeRepo(client, token: token, name: "spam")
            for uri in ["/", "/models", "/alice", "/alice/spam", "/alice/spam/tree/main", "/alice/nothing"] {
                let (_, headers, _) = try await page(client, uri)
                let policy = try #require(headers[HTTPField.Name("Content-Security-Policy")!])
                #expect(policy.contains("default-src 'none'") && !policy.contains("unsafe-inline"), "\(uri)")
                #expect(headers[.contentType] == "text/html; charset=utf-8")
            }
        }
    }

    @Test func homeListsTrendingRepositoriesAndThisHubsAddress() async throws {
        let token = try await test.user("alice")
        try await test.application().test(.router) { client in
            try await makeRepo(client, token: token, name: "spam")
            let (status, _, html) = try await page(client, "/")
            #expect(status == .ok)
            #expect(html.contains(#"href="/alice/spam""#) && html.contains("export HF_ENDPOINT=http://localhost"))
        }
    }

    @Test func repoPageRendersTheCardSafely() async throws {
        let token = try await test.user("alice")
        try await test.application().test(.router) { client in
            try await makeRepo(client, token: token, name: "spam")
            let (status, _, html) = try await page(client, "/alice/spam")
            #expect(status == .ok)
            #expect(html.contains("<h1>German spam filter</h1>") && html.contains("Finds spam in German e-mails."))
            #expect(!html.contains("<script") && !html.contains("onerror") && !html.contains("javascript:"))
            #expect(html.contains("&lt;script&gt;alert(&#39;tag&#39;)&lt;/script&gt;") || html.contains("&lt;script&gt;alert("))
            #expect(html.contains("<dd>text-classification</dd>") && html.contains("<dd>mit</dd>"))
            #expect(html.contains("git clone http://localhost/alice/spam"))
        }
    }

    @Test func listingFiltersByFacetsWithCounts() async throws {
        let token = try await test.user("alice")
        try await test.application().test(.router) { client in
            try await makeRepo(client, token: token, name: "spam")
            try await client.execute(
                uri: "/api/repos/create", method: .post, headers: [.authorization: "Bearer \(token)"],
                body: ByteBuffer(string: #"{"name":"plain","organization":"alice"}"#))
            let (status, _, all) = try await page(client, "/models")
            #expect(status == .ok && all.contains("alice/spam") && all.contains("alice/plain"))
            #expect(all.contains(#"<a href="/models?language=de">de</a> <span class="count">1</span>"#))
            let (_, _, german) = try await page(client, "/models?language=de&task=text-classification")
            #expect(german.contains("alice/spam") && !german.contains("alice/plain"))
            let (_, _, searched) = try await page(client, "/models?search=german+spam")
            #expect(searched.contains("alice/spam") && !searched.contains("alice/plain"))
            let (_, _, nothing) = try await page(client, "/models?license=apache-2.0")
            #expect(nothing.contains("Nothing here yet."))
        }
    }

    @Test func filesHistoryAndOneCommit() async throws {
        let token = try await test.user("alice")
        try await test.application().test(.router) { client in
            try await makeRepo(client, token: token, name: "spam")
            let (_, _, tree) = try await page(client, "/alice/spam/tree/main")
            #expect(tree.contains(#"href="/alice/spam/tree/main/conf">conf/</a>"#))
            #expect(tree.contains(#"href="/alice/spam/blob/main/README.md""#))
            let (_, _, folder) = try await page(client, "/alice/spam/tree/main/conf")
            #expect(folder.contains(#"href="/alice/spam/blob/main/conf/config.json""#))
            let (_, _, blob) = try await page(client, "/alice/spam/blob/main/conf/config.json")
            #expect(blob.contains("{&quot;layers&quot;: &quot;&lt;b&gt;2&lt;/b&gt;&quot;}"))
            #expect(blob.contains(#"href="/alice/spam/resolve/main/conf/config.json""#))
            let (_, _, history) = try await page(client, "/alice/spam/commits/main")
            #expect(history.contains("add &lt;b&gt;card&lt;/b&gt;") && history.contains("initial commit"))
            let link = try #require(history.range(of: #"/alice/spam/commit/[0-9a-f]{40}"#, options: .regularExpression))
            let (status, _, commit) = try await page(client, String(history[link]))
            #expect(status == .ok)
            #expect(commit.contains("more words") && commit.contains(">added</span>") && commit.contains("conf/config.json"))
            let (switched, headers, _) = try await page(client, "/alice/spam/tree?rev=main")
            #expect(switched == .found && headers[.location] == "/alice/spam/tree/main")
        }
    }

    @Test func profilesListTheirRepositories() async throws {
        let token = try await test.user("alice")
        try await test.application().test(.router) { client in
            try await makeRepo(client, token: token, name: "spam")
            let (status, _, html) = try await page(client, "/alice")
            #expect(status == .ok && html.contains("alice/spam"))
            let (missing, _, _) = try await page(client, "/nobody")
            #expect(missing == .notFound)
        }
    }

    @Test func aPrivateRepositoryIsMissingToStrangers() async throws {
        let token = try await test.user("alice")
        try await test.application().test(.router) { client in
            try await makeRepo(client, token: token, name: "secret", isPrivate: true)
            for suffix in ["", "/tree/main", "/blob/main/README.md", "/commits/main"] {
                let (status, _, html) = try await page(client, "/alice/secret" + suffix)
                let (missingStatus, _, missingHTML) = try await page(client, "/alice/nothing" + suffix)
                #expect(status == .notFound && status == missingStatus, "\(suffix)")
                #expect(html == missingHTML, "\(suffix)")
            }
            let (_, _, listing) = try await page(client, "/models")
            let (_, _, profile) = try await page(client, "/alice")
            #expect(!listing.contains("secret") && !profile.contains("secret"))
        }
    }

    @Test func errorsArePagesWithTheAPIsStatus() async throws {
        let token = try await test.user("alice")
        try await test.application().test(.router) { client in
            try await makeRepo(client, token: token, name: "spam")
            let (revision, _, html) = try await page(client, "/alice/spam/tree/no-such-branch")
            #expect(revision == .notFound && html.contains("<h1>404 Not Found</h1>"))
            let (entry, _, _) = try await page(client, "/alice/spam/blob/main/missing.txt")
            #expect(entry == .notFound)
            let (template, _, _) = try await page(client, "/static/layout.mustache")
            #expect(template == .notFound)
        }
    }

    func makeSpace(_ client: some TestClientProtocol, token: String, name: String, sdk: String, isPrivate: Bool = false) async throws {
        let headers: HTTPFields = [.authorization: "Bearer \(token)"]
        try await client.execute(
            uri: "/api/repos/create", method: .post, headers: headers,
            body: ByteBuffer(string: #"{"name":"\#(name)","organization":"alice","type":"space","sdk":"\#(sdk)","private":\#(isPrivate)}"#))
        let page = #"<html><body><p id="out">app</p><script src="app.js"></script></body></html>"#
        let script = "document.getElementById('out').textContent = document.cookie;"
        func file(_ path: String, _ text: String) -> String {
            #"{"key":"file","value":{"path":"\#(path)","content":"\#(Data(text.utf8).base64EncodedString())","encoding":"base64"}}"#
        }
        let lines = [#"{"key":"header","value":{"summary":"app","description":""}}"#, file("index.html", page), file("app.js", script)]
        var commitHeaders = headers
        commitHeaders[.contentType] = "application/x-ndjson"
        try await client.execute(
            uri: "/api/spaces/alice/\(name)/commit/main", method: .post, headers: commitHeaders,
            body: ByteBuffer(string: lines.joined(separator: "\n"))
        ) { response in
            #expect(response.status == .ok)
        }
    }

    @Test func aStaticSpaceRunsSandboxedAwayFromTheHubsOrigin() async throws {
        let token = try await test.user("alice")
        try await test.application().test(.router) { client in
            try await makeSpace(client, token: token, name: "demo", sdk: "static")
            let (status, headers, html) = try await page(client, "/spaces/alice/demo/app/")
            #expect(status == .ok && html.contains(#"<p id="out">app</p>"#))
            #expect(headers[.contentType] == "text/html; charset=utf-8")
            let policy = try #require(headers[HTTPField.Name("Content-Security-Policy")!])
            #expect(policy.hasPrefix("sandbox allow-scripts") && !policy.contains("allow-same-origin"))
            let (scriptStatus, scriptHeaders, _) = try await page(client, "/spaces/alice/demo/app/app.js")
            #expect(scriptStatus == .ok && scriptHeaders[.contentType] == "text/javascript; charset=utf-8")
            let (_, pageHeaders, repoPage) = try await page(client, "/spaces/alice/demo")
            #expect(repoPage.contains(#"src="/spaces/alice/demo/app/" sandbox="allow-scripts"#))
            #expect(pageHeaders[HTTPField.Name("Content-Security-Policy")!]?.contains("frame-src 'self'") == true)
        }
    }

    @Test func otherSpacesAreNotRun() async throws {
        let token = try await test.user("alice")
        try await test.application().test(.router) { client in
            try await makeSpace(client, token: token, name: "gradio-app", sdk: "gradio")
            let (status, _, _) = try await page(client, "/spaces/alice/gradio-app/app/")
            #expect(status == .notFound)
            let (_, _, repoPage) = try await page(client, "/spaces/alice/gradio-app")
            #expect(repoPage.contains("This hub does not run gradio Spaces") && !repoPage.contains("<iframe"))
            try await makeSpace(client, token: token, name: "hidden", sdk: "static", isPrivate: true)
            let (hidden, _, _) = try await page(client, "/spaces/alice/hidden/app/")
            #expect(hidden == .notFound)
        }
    }

    @Test func downloadedFilesNeverRunAsHubPages() async throws {
        let token = try await test.user("alice")
        try await test.application().test(.router) { client in
            try await makeSpace(client, token: token, name: "demo", sdk: "static")
            let (status, headers, _) = try await page(client, "/spaces/alice/demo/resolve/main/index.html")
            #expect(status == .ok && headers[.contentType] == "text/plain; charset=utf-8")
            #expect(headers[HTTPField.Name("Content-Security-Policy")!] == "sandbox; default-src 'none'")
            #expect(headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
        }
    }

    @Test func hostileFileNamesAndCommitMessagesAreEscaped() async throws {
        let token = try await test.user("alice")
        try await test.application().test(.router) { client in
            try await client.execute(
                uri: "/api/repos/create", method: .post, headers: [.authorization: "Bearer \(token)"],
                body: ByteBuffer(string: #"{"name":"files","organization":"alice"}"#))
            let hostile = "<img src=x onerror=alert(1)>.txt"
            let line = #"{"key":"file","value":{"path":"\#(hostile)","content":"aGk=","encoding":"base64"}}"#
            let headers: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/x-ndjson"]
            try await client.execute(
                uri: "/api/models/alice/files/commit/main", method: .post, headers: headers,
                body: ByteBuffer(string: #"{"key":"header","value":{"summary":"<script>x</script>","description":""}}"# + "\n" + line)
            ) { response in
                #expect(response.status == .ok)
            }
            let (_, _, tree) = try await page(client, "/alice/files/tree/main")
            #expect(tree.contains("&lt;img src=x onerror=alert(1)&gt;.txt") && !tree.contains("<img src=x"))
            let (_, _, history) = try await page(client, "/alice/files/commits/main")
            #expect(history.contains("&lt;script&gt;x&lt;/script&gt;") && !history.contains("<script>"))
            let link = try #require(history.range(of: #"/alice/files/commit/[0-9a-f]{40}"#, options: .regularExpression))
            let (_, _, commit) = try await page(client, String(history[link]))
            #expect(commit.contains("&lt;img src=x onerror=alert(1)&gt;.txt") && !commit.contains("<img src=x"))
            let (blobStatus, _, blob) = try await page(client, "/alice/files/blob/main/%3Cimg%20src=x%20onerror=alert(1)%3E.txt")
            #expect(blobStatus == .ok && !blob.contains("<img src=x"))
        }
    }
}
