import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HubCore
import HubHTTP
import HubTesting
import Testing

/// One test per answer huggingface_hub reads to the letter: the status, `X-Error-Code` and
/// wording of refused writes, redirects of old names and aliases, validate-yaml's verdicts.
@Suite struct HubAPIShapeTests {
    let test: TestHub

    init() throws {
        test = try TestHub()
    }

    func bearer(_ token: String, json: Bool = false) -> HTTPFields {
        var headers: HTTPFields = [.authorization: "Bearer \(token)"]
        if json { headers[.contentType] = "application/json" }
        return headers
    }

    let requestID = HTTPField.Name("X-Request-Id")!

    func json(_ buffer: ByteBuffer) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: buffer))) as? [String: Any] ?? [:]
    }

    func create(_ client: some TestClientProtocol, _ token: String, _ name: String, type: String = "model") async throws {
        try await client.execute(
            uri: "/api/repos/create", method: .post, headers: bearer(token, json: true),
            body: ByteBuffer(string: #"{"name":"\#(name)","organization":"alice","type":"\#(type)"}"#)
        ) { #expect($0.status == .ok) }
    }

    /// The status, error code and message of one request.
    func answer(
        _ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, token: String?, body: String? = nil
    ) async throws -> (HTTPResponse.Status, String?, String?) {
        try await client.execute(
            uri: uri, method: method, headers: token.map { bearer($0, json: true) } ?? [:],
            body: body.map { ByteBuffer(string: $0) }
        ) { response in
            (response.status, response.headers[HTTPField.Name("X-Error-Code")!], json(response.body)["error"] as? String)
        }
    }

    // MARK: The repository a route names, resolved once

    /// The route group resolves the repository before the handler reads the path or the body:
    /// a private repository is missing to a stranger whatever else is wrong with the request,
    /// and its owner is told what is.
    @Test func aPrivateRepositoryIsMissingToAStrangerBeforeItsPathOrBodyIsRead() async throws {
        let token = try await test.user("alice")
        let stranger = try await test.user("bob")
        try await test.repo("secret", isPrivate: true, token: token)
        try await test.application().test(.router) { client in
            for caller in [stranger, nil] as [String?] {
                let (status, code, _) = try await answer(client, .get, "/alice/secret/resolve/main/a%00b", token: caller)
                #expect(status == .notFound)
                #expect(code == "RepoNotFound")
                let (pathsStatus, pathsCode, _) = try await answer(
                    client, .post, "/api/models/alice/secret/paths-info/main", token: caller,
                    body: String(repeating: "paths=x&", count: 2000))
                #expect(pathsStatus == status && pathsCode == "RepoNotFound")
            }
            let (status, _, message) = try await answer(client, .get, "/alice/secret/resolve/main/a%00b", token: token)
            #expect(status == .badRequest)
            #expect(message == "A path may not contain control characters")
            let (pathsStatus, _, pathsMessage) = try await answer(
                client, .post, "/api/models/alice/secret/paths-info/main", token: token,
                body: String(repeating: "paths=x&", count: 2000))
            #expect(pathsStatus == .badRequest && pathsMessage == "At most 1000 paths per request")
        }
    }

    // MARK: Refused management calls

    @Test func moveOntoAnExistingRepositoryIs409InTheHubsWords() async throws {
        let token = try await test.user("alice")
        try await test.application().test(.router) { client in
            try await create(client, token, "one")
            try await create(client, token, "two")
            let (status, _, message) = try await answer(
                client, .post, "/api/repos/move", token: token,
                body: #"{"fromRepo":"alice/one","toRepo":"alice/two","type":"model"}"#)
            #expect(status == .conflict)
            #expect(message == "A model repository called alice/two already exists")
        }
    }

    @Test func creatingAnExistingBranchIs409ReferenceExists() async throws {
        let token = try await test.user("alice")
        try await test.application().test(.router) { client in
            try await create(client, token, "one")
            let (status, _, message) = try await answer(client, .post, "/api/models/alice/one/branch/main", token: token, body: "{}")
            #expect(status == .conflict)
            #expect(message == "Reference refs/heads/main already exists")
        }
    }

    @Test func aBranchNamedLikeARefIsBadRequest() async throws {
        let token = try await test.user("alice")
        try await test.application().test(.router) { client in
            try await create(client, token, "one")
            let (status, _, message) = try await answer(
                client, .post, "/api/models/alice/one/branch/refs%2Fpr%2F5", token: token, body: "{}")
            #expect(status == .badRequest)
            #expect(message?.hasPrefix("Invalid reference for a branch") == true)
        }
    }

    @Test func deletingTheDefaultBranchIsRefusedNamingIt() async throws {
        let token = try await test.user("alice")
        try await test.application().test(.router) { client in
            try await create(client, token, "one")
            let (status, _, message) = try await answer(client, .delete, "/api/models/alice/one/branch/main", token: token)
            #expect(status == .badRequest)
            #expect(message?.hasPrefix("Cannot delete refs/heads/main") == true)
        }
    }

    @Test func taggingAMissingRevisionIs404RevisionNotFound() async throws {
        let token = try await test.user("alice")
        try await test.application().test(.router) { client in
            try await create(client, token, "one")
            let (status, code, message) = try await answer(
                client, .post, "/api/models/alice/one/tag/foobar", token: token, body: #"{"tag":"v1"}"#)
            #expect(status == .notFound && code == "RevisionNotFound" && message == "Invalid rev id: foobar")
        }
    }

    @Test func unlikingAMissingRepositoryIs404RepoNotFound() async throws {
        let token = try await test.user("alice")
        try await test.application().test(.router) { client in
            let (status, code, _) = try await answer(client, .delete, "/api/models/alice/never/like", token: token)
            #expect(status == .notFound && code == "RepoNotFound")
        }
    }

    /// Liking means something only for a signed-in user: an anonymous like asks for credentials
    /// whether or not the repository exists; a signed-in stranger finds a private one missing.
    @Test func anAnonymousLikeIsAskedToSignInBeforeTheRepositoryIsLookedUp() async throws {
        let token = try await test.user("alice")
        let stranger = try await test.user("bob")
        try await test.repo("secret", isPrivate: true, token: token)
        try await test.application().test(.router) { client in
            for path in ["/api/models/alice/secret/like", "/api/models/alice/never/like"] {
                let (status, _, _) = try await answer(client, .post, path, token: nil)
                #expect(status == .unauthorized)
            }
            let (status, code, _) = try await answer(client, .post, "/api/models/alice/secret/like", token: stranger)
            #expect(status == .notFound && code == "RepoNotFound")
            let (ownStatus, _, _) = try await answer(client, .post, "/api/models/alice/secret/like", token: token)
            #expect(ownStatus == .ok)
        }
    }

    @Test func aStaleParentCommitIs412InTheHubsWords() async throws {
        let token = try await test.user("alice")
        try await test.application().test(.router) { client in
            try await create(client, token, "one")
            var headers = bearer(token)
            headers[.contentType] = "application/x-ndjson"
            let body = #"{"key":"header","value":{"summary":"s","parentCommit":"0000000000000000000000000000000000000000"}}"#
            try await client.execute(
                uri: "/api/models/alice/one/commit/main", method: .post, headers: headers, body: ByteBuffer(string: body)
            ) { response in
                #expect(response.status == .preconditionFailed)
                #expect(
                    json(response.body)["error"] as? String
                        == "The branch was updated since you opened this page. Please refresh and try again.")
            }
        }
    }

    @Test(arguments: [#"..\\ddd"#, "a/../b", #"a\\b"#, "..", "x/.."])
    func aCommitPathWithABackslashOrDotDotIs422(path: String) async throws {
        let token = try await test.user("alice")
        try await test.application().test(.router) { client in
            try await create(client, token, "one")
            var headers = bearer(token)
            headers[.contentType] = "application/x-ndjson"
            let body = #"{"key":"header","value":{"summary":"s"}}"# + "\n"
                + #"{"key":"file","value":{"path":"\#(path)","content":"eA==","encoding":"base64"}}"#
            try await client.execute(
                uri: "/api/models/alice/one/commit/main", method: .post, headers: headers, body: ByteBuffer(string: body)
            ) { response in
                #expect(response.status == .unprocessableContent)
                #expect((json(response.body)["error"] as? String)?.hasPrefix("Invalid path") == true)
            }
        }
    }

    // MARK: Old names and aliases

    @Test func anUnknownOneSegmentIdIs404RepoNotFoundOnTheAPIAndResolve() async throws {
        try await test.application().test(.router) { client in
            for (method, uri) in [
                (HTTPRequest.Method.get, "/api/models/gpt2"), (.get, "/api/models/gpt2/revision/main"),
                (.get, "/api/datasets/squad/tree/main"), (.head, "/gpt2/resolve/main/config.json"),
                (.get, "/datasets/squad/resolve/main/data.csv"),
            ] {
                try await client.execute(uri: uri, method: method) { response in
                    #expect(response.status == .notFound, "\(uri)")
                    #expect(response.headers[HTTPField.Name("X-Error-Code")!] == "RepoNotFound", "\(uri)")
                }
            }
        }
    }

    @Test func anAliasRedirectsEverySurfaceKeepingPathAndQuery() async throws {
        let token = try await test.user("alice")
        try await test.application().test(.router) { client in
            try await create(client, token, "weights")
            try await test.hub.repos.setAlias(
                kind: .model, name: "gpt2", to: try RepoID(kind: .model, namespace: "alice", name: "weights"))
            for (uri, location) in [
                ("/api/models/gpt2", "/api/models/alice/weights"),
                ("/api/models/gpt2/tree/main?recursive=true", "/api/models/alice/weights/tree/main?recursive=true"),
                ("/gpt2/resolve/main/config.json", "/alice/weights/resolve/main/config.json"),
            ] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .temporaryRedirect)
                    #expect(response.headers[.location] == "http://localhost" + location)
                }
            }
        }
    }

    @Test func aRenamedRepositoryRedirectsItsOldNameAndANewOneTakesItBack() async throws {
        let token = try await test.user("alice")
        try await test.application().test(.router) { client in
            try await create(client, token, "old")
            let (moved, _, _) = try await answer(
                client, .post, "/api/repos/move", token: token,
                body: #"{"fromRepo":"alice/old","toRepo":"alice/new","type":"model"}"#)
            #expect(moved == .ok)
            for (uri, location) in [
                ("/api/models/alice/old/refs", "/api/models/alice/new/refs"),
                ("/alice/old.git/info/refs?service=git-upload-pack", "/alice/new.git/info/refs?service=git-upload-pack"),
                ("/alice/old/info/lfs/objects/batch", "/alice/new/info/lfs/objects/batch"),
            ] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .temporaryRedirect, "\(uri)")
                    #expect(response.headers[.location] == "http://localhost" + location)
                }
            }
            try await create(client, token, "old")
            try await client.execute(uri: "/api/models/alice/old", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test func aRepositoryNamedLikeAnAPIPathStaysItselfAndRedirectsOnceRenamed() async throws {
        let token = try await test.user("alice")
        try await test.application().test(.router) { client in
            try await create(client, token, "tree")
            try await client.execute(uri: "/api/models/alice/tree", method: .get) { #expect($0.status == .ok) }
            _ = try await answer(
                client, .post, "/api/repos/move", token: token,
                body: #"{"fromRepo":"alice/tree","toRepo":"alice/forest","type":"model"}"#)
            try await client.execute(uri: "/api/models/alice/tree", method: .get) { response in
                #expect(response.status == .temporaryRedirect)
                #expect(response.headers[.location] == "http://localhost/api/models/alice/forest")
            }
        }
    }

    @Test func theOldNameOfAPrivateRepositoryLooksMissingToAStranger() async throws {
        let token = try await test.user("alice")
        let stranger = try await test.user("bob")
        try await test.application().test(.router) { client in
            try await client.execute(
                uri: "/api/repos/create", method: .post, headers: bearer(token, json: true),
                body: ByteBuffer(string: #"{"name":"old","organization":"alice","visibility":"private"}"#))
            _ = try await answer(
                client, .post, "/api/repos/move", token: token,
                body: #"{"fromRepo":"alice/old","toRepo":"alice/new","type":"model"}"#)
            let (status, code, _) = try await answer(client, .get, "/api/models/alice/old", token: stranger)
            #expect(status == .notFound && code == "RepoNotFound")
            let (owner, _, _) = try await answer(client, .get, "/api/models/alice/old", token: token)
            #expect(owner == .temporaryRedirect)
        }
    }

    // MARK: validate-yaml

    @Test func aCardWithoutMetadataValidatesWithAWarning() async throws {
        try await test.application().test(.router) { client in
            try await client.execute(
                uri: "/api/validate-yaml", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: ##"{"content":"# Title\n","repoType":"dataset"}"##)
            ) { response in
                #expect(response.status == .ok)
                let warnings = json(response.body)["warnings"] as? [[String: String]]
                #expect(warnings?.first?["message"]?.hasPrefix("Empty or missing yaml metadata in repo card") == true)
                #expect((json(response.body)["errors"] as? [Any])?.isEmpty == true)
            }
        }
    }

    @Test func aLicenseThatIsNotTextIs400NamingTheKey() async throws {
        try await test.application().test(.router) { client in
            try await client.execute(
                uri: "/api/validate-yaml", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"content":"---\nlicense: 12\n---\n","repoType":"model"}"#)
            ) { response in
                #expect(response.status == .badRequest)
                let errors = json(response.body)["errors"] as? [[String: String]]
                #expect(errors?.map { $0["message"] } == [#""license" must be a string or a list of strings"#])
            }
        }
    }

    @Test func aSpaceSDKOutsideTheKnownOnesIs400() async throws {
        try await test.application().test(.router) { client in
            try await client.execute(
                uri: "/api/validate-yaml", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"content":"---\nsdk: flask\n---\n","repoType":"space"}"#)
            ) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    // MARK: Request ids

    @Test func theClientsTraceIDIsTheRequestID() async throws {
        try await test.application().test(.router) { client in
            try await client.execute(
                uri: "/api/models/alice/none", method: .get, headers: [HTTPField.Name("X-Amzn-Trace-Id")!: "trace-1"]
            ) { response in
                #expect(response.headers[requestID] == "trace-1")
            }
            try await client.execute(
                uri: "/api/whoami-v2", method: .get,
                headers: [requestID: "mine", HTTPField.Name("X-Amzn-Trace-Id")!: "trace-2"]
            ) { response in
                #expect(response.headers[requestID] == "mine")
            }
        }
    }

    // MARK: Super-squash and LFS files

    @Test func squashingATagIsBadRequestAndAMissingBranch404() async throws {
        let token = try await test.user("alice")
        try await test.application().test(.router) { client in
            try await create(client, token, "one")
            _ = try await answer(client, .post, "/api/models/alice/one/tag/main", token: token, body: #"{"tag":"v1"}"#)
            let (tag, _, _) = try await answer(client, .post, "/api/models/alice/one/super-squash/v1", token: token, body: "{}")
            #expect(tag == .badRequest)
            let (missing, code, _) = try await answer(
                client, .post, "/api/models/alice/one/super-squash/nope", token: token, body: "{}")
            #expect(missing == .notFound && code == "RevisionNotFound")
        }
    }

    @Test func deletingLFSFilesNeedsWriteAccessAndValidIDs() async throws {
        let token = try await test.user("alice")
        let reader = try await test.user("bob")
        try await test.application().test(.router) { client in
            try await create(client, token, "one")
            let body = #"{"deletions":{"sha":["\#(String(repeating: "a", count: 64))"],"rewriteHistory":true}}"#
            let (forbidden, _, _) = try await answer(
                client, .post, "/api/models/alice/one/lfs-files/batch", token: reader, body: body)
            #expect(forbidden == .forbidden)
            let (invalid, _, message) = try await answer(
                client, .post, "/api/models/alice/one/lfs-files/batch", token: token,
                body: #"{"deletions":{"sha":["not-a-sha"]}}"#)
            #expect(invalid == .badRequest && message?.hasPrefix("Invalid LFS file id") == true)
            let (listed, _, _) = try await answer(client, .get, "/api/models/alice/one/lfs-files", token: reader)
            #expect(listed == .ok)
        }
    }
}
