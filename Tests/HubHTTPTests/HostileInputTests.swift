import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HubHTTP
import HubTesting
import Testing

/// One test per request that once stopped the whole server (a trap in a Swift server is an
/// outage, not a failed request) or got an answer it should not have: each must now get a clear
/// 4xx while the server keeps serving.
@Suite struct HostileInputTests {
    let test: TestHub

    init() throws {
        test = try TestHub()
    }

    func bearer(_ token: String) -> HTTPFields {
        [.authorization: "Bearer \(token)"]
    }

    func form(_ token: String? = nil) -> HTTPFields {
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return headers
    }

    /// Creates alice/demo and commits the NDJSON `lines` to main; the commit's status.
    @discardableResult
    func createAndCommit(_ client: some TestClientProtocol, token: String, lines: [String]) async throws -> HTTPResponse.Status {
        try await client.execute(
            uri: "/api/repos/create", method: .post, headers: bearer(token),
            body: ByteBuffer(string: #"{"name":"demo","organization":"alice"}"#))
        return try await commit(client, token: token, lines: lines)
    }

    func commit(_ client: some TestClientProtocol, token: String, lines: [String]) async throws -> HTTPResponse.Status {
        let header = #"{"key":"header","value":{"summary":"files"}}"#
        var headers = bearer(token)
        headers[.contentType] = "application/x-ndjson"
        return try await client.execute(
            uri: "/api/models/alice/demo/commit/main", method: .post, headers: headers,
            body: ByteBuffer(string: ([header] + lines).joined(separator: "\n"))
        ) { $0.status }
    }

    static func fileLine(_ path: String, _ text: String) -> String {
        let escapedPath = path.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return #"{"key":"file","value":{"path":"\#(escapedPath)","content":"\#(Data(text.utf8).base64EncodedString())","encoding":"base64"}}"#
    }

    // MARK: Form bodies (Foundation's URLComponents setter trapped on these)

    @Test(arguments: ["{", "paths={", "paths=a b", "paths=\"x\"", "paths=%", "paths=%zz", "paths=%C3%28"])
    func pathsInfoOfAMissingRepoWithAnyBodyIsAnswered(body: String) async throws {
        try await test.application().test(.router) { client in
            try await client.execute(
                uri: "/api/models/nobody/nothing/paths-info/main", method: .post, headers: form(), body: ByteBuffer(string: body)
            ) { response in
                #expect([.badRequest, .notFound].contains(response.status))
            }
        }
    }

    @Test func pathsInfoWithABadEscapeIsBadRequest() async throws {
        let token = try await test.user("alice")
        try await test.application().test(.router) { client in
            try await createAndCommit(client, token: token, lines: [Self.fileLine("a b.txt", "x")])
            try await client.execute(
                uri: "/api/models/alice/demo/paths-info/main", method: .post, headers: form(token),
                body: ByteBuffer(string: "paths=a%2")
            ) { response in
                #expect(response.status == .badRequest)
            }
            // A raw space and '+' both mean a space, as browsers and requests send them.
            for body in ["paths=a b.txt", "paths=a+b.txt", "paths=a%20b.txt&paths={"] {
                try await client.execute(
                    uri: "/api/models/alice/demo/paths-info/main", method: .post, headers: form(token), body: ByteBuffer(string: body)
                ) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body).contains(#""path":"a b.txt""#))
                }
            }
        }
    }

    @Test(arguments: ["name={&password=x", "name=%&password=x", "name=\"&password=%FF"])
    func signInWithAHostileFormIsAnswered(body: String) async throws {
        try await test.user("alice")
        try await test.application().test(.router) { client in
            try await client.execute(uri: "/login", method: .post, headers: form(), body: ByteBuffer(string: body)) { response in
                #expect([.badRequest, .unauthorized, .ok].contains(response.status))
            }
            try await client.execute(uri: "/login", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func newRepositoryFormWithAStrayPercentIsBadRequest() async throws {
        try await test.application().test(.router) { client in
            try await client.execute(uri: "/new", method: .post, headers: form(), body: ByteBuffer(string: "name=%&csrf=x")) { response in
                #expect(response.status.code >= 400 && response.status.code < 500)
            }
        }
    }

    // MARK: Paging

    @Test func nextPageLinkOfAFolderWithBracesIsEncoded() async throws {
        let token = try await test.user("alice")
        try await test.application().test(.router) { client in
            let lines = (0..<51).map { Self.fileLine("d{1}/f\($0).txt", "\($0)") }
            #expect(try await createAndCommit(client, token: token, lines: lines) == .ok)
            try await client.execute(uri: "/api/models/alice/demo/tree/main/d{1}?expand=true", method: .get) { response in
                #expect(response.status == .ok)
                let link = try #require(response.headers[HTTPField.Name("Link")!])
                #expect(link.contains("/api/models/alice/demo/tree/main/d%7B1%7D?expand=true&cursor=50"))
            }
            try await client.execute(uri: "/api/models/alice/demo/tree/main/d%7B1%7D?expand=true&cursor=50", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("d{1}/f9.txt"))
                #expect(response.headers[HTTPField.Name("Link")!] == nil)
            }
        }
    }

    @Test(arguments: ["9223372036854775807", "-1", "1e3", "abc", "99999999999999999999"])
    func treeCursorThatWasNeverHandedOutIsBadRequest(cursor: String) async throws {
        let token = try await test.user("alice")
        try await test.application().test(.router) { client in
            try await createAndCommit(client, token: token, lines: [Self.fileLine("a.txt", "a")])
            try await client.execute(uri: "/api/models/alice/demo/tree/main?cursor=\(cursor)", method: .get) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/api/models?cursor=\(cursor)", method: .get) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test(arguments: ["9223372036854775807", "10001", "abc", "1e3"])
    func webListingPageThatCannotExistIsBadRequest(page: String) async throws {
        let token = try await test.user("alice")
        try await test.application().test(.router) { client in
            try await client.execute(
                uri: "/api/repos/create", method: .post, headers: bearer(token),
                body: ByteBuffer(string: #"{"name":"demo","organization":"alice"}"#))
            // (page - 1) * pageSize overflowed on the first: the process died.
            for path in ["/models?p=", "/alice/demo/commits/main?p="] {
                try await client.execute(uri: path + page, method: .get) { response in
                    #expect(response.status == .badRequest, "\(path)\(page)")
                }
            }
            try await client.execute(uri: "/models?p=0", method: .get) { #expect($0.status == .ok) }
        }
    }

    // MARK: Paths

    @Test func resolveOfAPathWithANULIsBadRequest() async throws {
        let token = try await test.user("alice")
        try await test.application().test(.router) { client in
            try await createAndCommit(client, token: token, lines: [Self.fileLine("README.md", "hello")])
            try await client.execute(uri: "/alice/demo/resolve/main/README.md%00.txt", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("hello") == false)
            }
            try await client.execute(uri: "/alice/demo/resolve/main%00/README.md", method: .get) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/alice/demo/resolve/main/README.md", method: .get) { response in
                #expect(String(buffer: response.body) == "hello")
            }
        }
    }

    // MARK: Card metadata

    /// Eight levels of nine aliases each: about 400 bytes that expand to 9⁹ (387 million) scalars.
    static let aliasBomb: String = {
        var lines = ["---", #"a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]"#]
        for level in 1...8 {
            let previous = "*a\(level - 1)"
            lines.append("a\(level): &a\(level) [" + Array(repeating: previous, count: 9).joined(separator: ",") + "]")
        }
        return (lines + ["---", "", "# Card"]).joined(separator: "\n")
    }()

    /// Found by the `card` fuzz target: Yams force-unwraps every mapping key as text, so a list
    /// or a mapping used as a key stopped the server, from the anonymous validate-yaml and from
    /// any README indexed after a push.
    @Test(arguments: [
        "---\n? [a, b]\n: c\n---\n",
        "---\n{[a]: b}\n---\n",
        "---\n? {x: 1}\n: c\n---\n",
        "---\nl: &l [x]\nm: {*l : v}\n---\n",
        "---\na: &a [x, ?]\nb: &b [\u{a5},*a: &a]\n---\n [",
        "---\ns: !!set {? [a]}\n---\n",
    ])
    func validateYAMLRefusesAListOrMappingAsAKey(card: String) async throws {
        try await test.application().test(.router) { client in
            let body = try JSONSerialization.data(withJSONObject: ["content": card, "repoType": "model"])
            try await client.execute(uri: "/api/validate-yaml", method: .post, body: ByteBuffer(bytes: body)) { response in
                #expect(response.status == .unprocessableContent || response.status == .badRequest)
            }
            // Scalars that look like other types are still keys Yams reads as text.
            let fine = try JSONSerialization.data(withJSONObject: ["content": "---\n1: a\ntrue: b\nl: &l x\n*l : y\n---\n"])
            try await client.execute(uri: "/api/validate-yaml", method: .post, body: ByteBuffer(bytes: fine)) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func validateYAMLRefusesAnAliasBombQuickly() async throws {
        try await test.application().test(.router) { client in
            let body = try JSONSerialization.data(withJSONObject: ["content": Self.aliasBomb, "repoType": "model"])
            try await client.execute(uri: "/api/validate-yaml", method: .post, body: ByteBuffer(bytes: body)) { response in
                #expect(response.status == .unprocessableContent)
                #expect(String(buffer: response.body).contains("aliases"))
            }
        }
    }

    @Test func validateYAMLRefusesDeepNesting() async throws {
        let deep = "---\nx: " + String(repeating: "[", count: 500) + String(repeating: "]", count: 500) + "\n---\n"
        try await test.application().test(.router) { client in
            let body = try JSONSerialization.data(withJSONObject: ["content": deep])
            try await client.execute(uri: "/api/validate-yaml", method: .post, body: ByteBuffer(bytes: body)) { response in
                #expect(response.status == .unprocessableContent)
            }
        }
    }

    @Test func validateYAMLStillAcceptsModestAliases() async throws {
        let card = "---\nbase: &b {license: mit}\nother: *b\ntags: [a, b]\n---\n"
        try await test.application().test(.router) { client in
            let body = try JSONSerialization.data(withJSONObject: ["content": card])
            try await client.execute(uri: "/api/validate-yaml", method: .post, body: ByteBuffer(bytes: body)) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func commitOfAnAliasBombREADMEIsRefusedAndStoresNothing() async throws {
        let token = try await test.user("alice")
        try await test.application().test(.router) { client in
            let status = try await createAndCommit(client, token: token, lines: [Self.fileLine("README.md", Self.aliasBomb)])
            #expect(status == .unprocessableContent)
            try await client.execute(uri: "/api/models/alice/demo", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("README.md") == false)
            }
        }
    }

    // MARK: Commits git would refuse

    /// Every file under the repository's `objects/` folder.
    func storedObjectFiles() -> Set<String> {
        let objects = test.directory.url.appendingPathComponent("repos/models/alice/demo.git/objects")
        let walker = FileManager.default.enumerator(atPath: objects.path)
        return Set((walker?.allObjects as? [String] ?? []).filter { !$0.hasSuffix("/") && $0.count > 2 })
    }

    func head(_ client: some TestClientProtocol) async throws -> String {
        try await client.execute(uri: "/api/models/alice/demo/revision/main", method: .get) { response in
            let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
            return object?["sha"] as? String ?? ""
        }
    }

    @Test(arguments: [".GIT/config", "a/.Git/hooks", ".git./x", ".git /x", "git~1/config", ".git::$INDEX_ALLOCATION/x",
                      "\u{200C}.git/x", "../x", "a/./b"])
    func commitOfAPathGitRefusesIsUnprocessableAndStoresNothing(path: String) async throws {
        try await expectRefusedStoringNothing([Self.fileLine("valid.txt", "kept nowhere"), Self.fileLine(path, "x")])
    }

    /// Commits `lines` on top of a first commit: the answer must be 422, and neither the
    /// repository's objects nor its branch may change.
    func expectRefusedStoringNothing(_ lines: [String]) async throws {
        let token = try await test.user("alice")
        try await test.application().test(.router) { client in
            try await createAndCommit(client, token: token, lines: [Self.fileLine("a.txt", "a")])
            // The repack that follows the first commit, done before looking.
            await test.hub.finishMaintenance()
            let before = storedObjectFiles()
            let headBefore = try await head(client)
            #expect(try await commit(client, token: token, lines: lines) == .unprocessableContent)
            #expect(storedObjectFiles() == before)
            #expect(try await head(client) == headBefore)
        }
    }

    @Test(arguments: [
        "[submodule \"x\"]\n\tpath = x\n\turl = --upload-pack=touch /tmp/pwned\n",
        "[submodule \"x\"]\n\tpath = -x\n\turl = https://example.com/x\n",
        "[submodule \"../../hooks\"]\n\tpath = x\n\turl = https://example.com/x\n",
    ])
    func commitOfAHostileGitmodulesIsUnprocessableAndStoresNothing(gitmodules: String) async throws {
        try await expectRefusedStoringNothing([Self.fileLine(".gitmodules", gitmodules)])
    }

    @Test func acceptedCommitLandsAsOnePackAndLeavesNoTemporaryFiles() async throws {
        let token = try await test.user("alice")
        try await test.application().test(.router) { client in
            let status = try await createAndCommit(
                client, token: token,
                lines: (0..<20).map { Self.fileLine("f\($0).txt", "file \($0)") } + [Self.fileLine(".gitmodules", "")])
            #expect(status == .ok)
            try await client.execute(uri: "/alice/demo/resolve/main/f7.txt", method: .get) { response in
                #expect(String(buffer: response.body) == "file 7")
            }
        }
        await test.hub.finishMaintenance()
        let objects = storedObjectFiles()
        #expect(objects.filter { $0.hasPrefix("pack/") && $0.hasSuffix(".pack") }.count == 1)
        #expect(objects.filter { $0.hasPrefix("pack/") && $0.hasSuffix(".bitmap") }.count == 1)
        #expect(test.writesInFlight().isEmpty)
    }

    // MARK: Sizes

    @Test func aRepoCreateBodyOverTheJSONLimitIsContentTooLarge() async throws {
        let token = try await test.user("alice")
        try await test.application().test(.router) { client in
            let body = #"{"name":"demo","organization":"alice","pad":""# + String(repeating: "a", count: 3 << 20) + #""}"#
            try await client.execute(uri: "/api/repos/create", method: .post, headers: bearer(token), body: ByteBuffer(string: body)) {
                response in
                #expect(response.status == .contentTooLarge)
                #expect(response.headers[HTTPField.Name("X-Error-Message")!]?.contains("larger") == true)
            }
        }
    }

    // MARK: Nesting

    /// 100,000 nested arrays: a recursive parser without a depth bound overflows its stack,
    /// which kills the process as surely as a trap.
    static let deepJSON = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)

    @Test func deeplyNestedJSONBodyIsBadRequest() async throws {
        try await test.application().test(.router) { client in
            try await client.execute(
                uri: "/api/validate-yaml", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"content":"x","repoType":"# + Self.deepJSON + "}")
            ) { #expect($0.status == .badRequest) }
        }
    }

    @Test func deeplyNestedCommitLineIsBadRequest() async throws {
        let token = try await test.user("alice")
        try await test.application().test(.router) { client in
            let status = try await createAndCommit(
                client, token: token, lines: [#"{"key":"file","value":"# + Self.deepJSON + "}"])
            #expect(status == .badRequest)
        }
    }

    @Test func deeplyNestedLFSBatchIsRefused() async throws {
        let token = try await test.user("alice")
        try await test.application().test(.router) { client in
            try await client.execute(
                uri: "/api/repos/create", method: .post, headers: bearer(token),
                body: ByteBuffer(string: #"{"name":"demo","organization":"alice"}"#))
            var headers = bearer(token)
            headers[.contentType] = "application/vnd.git-lfs+json"
            try await client.execute(
                uri: "/alice/demo.git/info/lfs/objects/batch", method: .post, headers: headers,
                body: ByteBuffer(string: #"{"operation":"upload","objects":"# + Self.deepJSON + "}")
            ) { #expect($0.status == .unprocessableContent) }
        }
    }
}
