import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HubTesting
import NIOCore
import Testing

/// Who may list, take and release Git LFS locks, answered in Git LFS's terms before a lock
/// request's body is read. Real `git lfs lock` runs are end-to-end tests.
@Suite struct LFSLocksTests {
    let test: TestHub

    init() throws {
        test = try TestHub()
    }

    static func headers(token: String?) -> HTTPFields {
        var headers: HTTPFields = [.contentType: "application/vnd.git-lfs+json", .accept: "application/vnd.git-lfs+json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return headers
    }

    @Test func anonymousCallersAreChallengedForThePrivateRepositorysLocks() async throws {
        let owner = try await test.user("alice")
        try await test.repo("secret", isPrivate: true, token: owner)
        try await test.application().test(.router) { client in
            for path in ["/alice/secret.git", "/nobody/nothing.git"] {
                try await client.execute(uri: path + "/info/lfs/locks", method: .get, headers: Self.headers(token: nil)) {
                    #expect($0.status == .unauthorized)
                    #expect($0.headers[HTTPField.Name("LFS-Authenticate")!] == "Basic realm=\"modelhub\"")
                }
            }
            try await client.execute(uri: "/alice/secret.git/info/lfs/locks", method: .get, headers: Self.headers(token: owner)) {
                #expect($0.status == .ok)
                #expect(String(buffer: $0.body).contains("\"locks\":[]"))
            }
        }
    }

    @Test func aReaderCannotTakeALockAndItsBodyIsNotRead() async throws {
        let owner = try await test.user("alice")
        let reader = try await test.user("mallory")
        try await test.repo("demo", token: owner)
        try await test.repo("secret", isPrivate: true, token: owner)
        try await test.application().test(.router) { client in
            // Not even JSON: had the body been read first, these would be 422s.
            let garbage = ByteBuffer(string: "{ not json")
            try await client.execute(
                uri: "/alice/demo.git/info/lfs/locks", method: .post, headers: Self.headers(token: reader), body: garbage
            ) {
                #expect($0.status == .forbidden)
                #expect(String(buffer: $0.body).contains("write access"))
            }
            try await client.execute(
                uri: "/alice/secret.git/info/lfs/locks", method: .post, headers: Self.headers(token: reader), body: garbage
            ) { #expect($0.status == .notFound) }
            try await client.execute(
                uri: "/alice/demo.git/info/lfs/locks", method: .post, headers: Self.headers(token: owner),
                body: ByteBuffer(string: #"{"path":"model.bin"}"#)
            ) {
                #expect($0.status == .created)
                #expect(String(buffer: $0.body).contains("\"path\":\"model.bin\""))
            }
        }
    }
}
