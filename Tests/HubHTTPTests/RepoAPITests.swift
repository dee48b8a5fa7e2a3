import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HubHTTP
import HubTesting
import Testing

@Suite struct RepoAPITests {
    let test: TestHub

    init() throws {
        test = try TestHub()
    }

    /// The response body as a JSON object (empty when it is not one, which fails the expectation reading it).
    func json(_ buffer: ByteBuffer) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: buffer))) as? [String: Any] ?? [:]
    }

    func bearer(_ token: String) -> HTTPFields {
        [.authorization: "Bearer \(token)"]
    }

    /// Creates alice/demo and commits `body` (NDJSON) to its main branch; the commit's status.
    func createDemoAndCommit(_ client: some TestClientProtocol, token: String, body: String) async throws -> HTTPResponse.Status {
        try await client.execute(
            uri: "/api/repos/create", method: .post, headers: bearer(token),
            body: ByteBuffer(string: #"{"name":"demo","organization":"alice"}"#))
        var headers = bearer(token)
        headers[.contentType] = "application/x-ndjson"
        return try await client.execute(
            uri: "/api/models/alice/demo/commit/main", method: .post, headers: headers, body: ByteBuffer(string: body)
        ) { $0.status }
    }

    @Test func createsRepoAndAnswersItsURL() async throws {
        let token = try await test.user("alice")
        try await test.application().test(.router) { client in
            let body = ByteBuffer(string: #"{"name":"demo","organization":"alice"}"#)
            try await client.execute(uri: "/api/repos/create", method: .post, headers: bearer(token), body: body) { response in
                #expect(response.status == .ok)
                #expect(json(response.body)["url"] as? String == "http://localhost/alice/demo")
            }
        }
        #expect(test.directory.listing("repos/models/alice").contains("demo.git"))
    }

    @Test func secondCreateIsConflictWithURL() async throws {
        let token = try await test.user("alice")
        try await test.application().test(.router) { client in
            let body = ByteBuffer(string: #"{"name":"ds","organization":"alice","type":"dataset","visibility":"private"}"#)
            try await client.execute(uri: "/api/repos/create", method: .post, headers: bearer(token), body: body)
            try await client.execute(uri: "/api/repos/create", method: .post, headers: bearer(token), body: body) { response in
                #expect(response.status == .conflict)
                #expect(json(response.body)["url"] as? String == "http://localhost/datasets/alice/ds")
            }
        }
    }

    @Test func nullOrganizationMeansTheCallersNamespace() async throws {
        let token = try await test.user("alice")
        try await test.application().test(.router) { client in
            let body = ByteBuffer(string: #"{"name":"mine","organization":null}"#)
            try await client.execute(uri: "/api/repos/create", method: .post, headers: bearer(token), body: body) { response in
                #expect(json(response.body)["url"] as? String == "http://localhost/alice/mine")
            }
        }
    }

    @Test(arguments: ["a--b", "-lead", "trail.", "has space", "x.git", String(repeating: "n", count: 97)])
    func invalidNameIsRefusedWithNothingOnDisk(_ name: String) async throws {
        let token = try await test.user("alice")
        try await test.application().test(.router) { client in
            let payload = try JSONSerialization.data(withJSONObject: ["name": name, "organization": "alice"])
            try await client.execute(
                uri: "/api/repos/create", method: .post, headers: bearer(token), body: ByteBuffer(data: payload)
            ) { response in
                #expect(response.status == .badRequest)
                #expect((json(response.body)["error"] as? String)?.contains("Invalid name") == true)
            }
        }
        #expect(test.directory.listing("repos").isEmpty)
        #expect(test.writesInFlight().isEmpty)
    }

    @Test func cannotCreateInSomeoneElsesNamespace() async throws {
        try await test.user("alice")
        let mallory = try await test.user("mallory")
        try await test.application().test(.router) { client in
            let body = ByteBuffer(string: #"{"name":"demo","organization":"alice"}"#)
            try await client.execute(uri: "/api/repos/create", method: .post, headers: bearer(mallory), body: body) { response in
                #expect(response.status == .forbidden)
            }
        }
        #expect(test.directory.listing("repos").isEmpty)
    }

    @Test func readTokenCannotCreate() async throws {
        try await test.user("alice")
        let read = try await test.readToken(for: "alice")
        try await test.application().test(.router) { client in
            let body = ByteBuffer(string: #"{"name":"demo"}"#)
            try await client.execute(uri: "/api/repos/create", method: .post, headers: bearer(read), body: body) { response in
                #expect(response.status == .forbidden)
            }
        }
    }

    @Test func anonymousCannotCreate() async throws {
        try await test.application().test(.router) { client in
            let body = ByteBuffer(string: #"{"name":"demo","organization":"alice"}"#)
            try await client.execute(uri: "/api/repos/create", method: .post, body: body) { response in
                #expect(response.status == .unauthorized)
            }
        }
    }

    @Test func spaceNeedsAnSDK() async throws {
        let token = try await test.user("alice")
        try await test.application().test(.router) { client in
            let body = ByteBuffer(string: #"{"name":"sp","organization":"alice","type":"space"}"#)
            try await client.execute(uri: "/api/repos/create", method: .post, headers: bearer(token), body: body) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test func malformedBodyIsBadRequest() async throws {
        let token = try await test.user("alice")
        try await test.application().test(.router) { client in
            try await client.execute(
                uri: "/api/repos/create", method: .post, headers: bearer(token), body: ByteBuffer(string: "{not json")
            ) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test func deleteRemovesRepoAndMissingRepoIsRepoNotFound() async throws {
        let token = try await test.user("alice")
        try await test.application().test(.router) { client in
            let body = ByteBuffer(string: #"{"name":"demo","organization":"alice"}"#)
            try await client.execute(uri: "/api/repos/create", method: .post, headers: bearer(token), body: body)
            try await client.execute(uri: "/api/repos/delete", method: .delete, headers: bearer(token), body: body) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api/repos/delete", method: .delete, headers: bearer(token), body: body) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[HTTPField.Name("X-Error-Code")!] == "RepoNotFound")
            }
        }
        #expect(test.directory.listing("repos/models/alice").isEmpty)
    }

    /// A commit body whose last line has no line break is read to its end (it once crashed the server).
    @Test func commitBodyWithoutAFinalLineBreakIsAccepted() async throws {
        let token = try await test.user("alice")
        try await test.application().test(.router) { client in
            let lines = [
                #"{"key":"header","value":{"summary":"no final newline","description":""}}"#,
                #"{"key":"file","value":{"path":"a.txt","content":"aGk=","encoding":"base64"}}"#,
            ]
            #expect(try await createDemoAndCommit(client, token: token, body: lines.joined(separator: "\n")) == .ok)
            try await client.execute(uri: "/alice/demo/resolve/main/a.txt", method: .get) { response in
                #expect(String(buffer: response.body) == "hi")
            }
        }
    }

    /// A file name with non-ASCII letters is percent-encoded in `filename*` (header values are
    /// ASCII) and replaced by `_` in the plain `filename`.
    @Test func downloadNamesAreASCIIInContentDisposition() async throws {
        let token = try await test.user("alice")
        try await test.application().test(.router) { client in
            let lines = [
                #"{"key":"header","value":{"summary":"names","description":""}}"#,
                #"{"key":"file","value":{"path":"docs/modèle card.md","content":"aGk=","encoding":"base64"}}"#,
                #"{"key":"file","value":{"path":"config.json","content":"e30=","encoding":"base64"}}"#,
            ]
            #expect(try await createDemoAndCommit(client, token: token, body: lines.joined(separator: "\n") + "\n") == .ok)
            try await client.execute(uri: "/alice/demo/resolve/main/docs/mod%C3%A8le%20card.md", method: .get) { response in
                #expect(String(buffer: response.body) == "hi")
                #expect(response.headers[.contentDisposition] == #"inline; filename*=UTF-8''mod%C3%A8le%20card.md; filename="mod_le card.md";"#)
                #expect(response.headers[.contentType] == "text/markdown; charset=utf-8")
            }
            try await client.execute(uri: "/alice/demo/resolve/main/config.json", method: .head) { response in
                #expect(response.headers[.contentDisposition] == #"inline; filename*=UTF-8''config.json; filename="config.json";"#)
                #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            }
        }
    }
}
