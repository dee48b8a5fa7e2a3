import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HubHTTP
import HubTesting
import Testing

@Suite struct AccountAPITests {
    let test: TestHub

    init() throws {
        test = try TestHub()
    }

    @Test func aTokenTheIndexCannotCheckIsAServerFailureNotABadToken() async throws {
        let token = try await test.user("alice")
        try test.hub.close()
        try await test.application().test(.router) { client in
            try await client.execute(uri: "/api/whoami-v2", method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
                #expect(response.status == .internalServerError)
            }
            // A token that is no token is still refused as one, without asking the index.
            try await client.execute(uri: "/api/whoami-v2", method: .get, headers: [.authorization: "Bearer x"]) { response in
                #expect(response.status == .unauthorized)
            }
        }
    }

    @Test func whoamiDescribesTheTokenOwner() async throws {
        let token = try await test.user("__ci_user__")
        try await test.application().test(.router) { client in
            try await client.execute(uri: "/api/whoami-v2", method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
                #expect(response.status == .ok)
                let body = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
                #expect(body["name"] as? String == "__ci_user__")
                #expect(body["type"] as? String == "user")
                #expect((body["orgs"] as? [Any])?.isEmpty == true)
                let auth = body["auth"] as? [String: Any]
                let accessToken = auth?["accessToken"] as? [String: Any]
                #expect(accessToken?["role"] as? String == "write")
            }
        }
    }

    @Test func whoamiAcceptsBasicAuthWithTokenAsPassword() async throws {
        let token = try await test.user("alice")
        let basic = Data("anything:\(token)".utf8).base64EncodedString()
        try await test.application().test(.router) { client in
            try await client.execute(uri: "/api/whoami-v2", method: .get, headers: [.authorization: "Basic \(basic)"]) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func whoamiWithoutTokenIsUnauthorized() async throws {
        try await test.application().test(.router) { client in
            try await client.execute(uri: "/api/whoami-v2", method: .get) { response in
                #expect(response.status == .unauthorized)
            }
        }
    }

    @Test func wrongTokenIsInvalidCredentials() async throws {
        try await test.user("alice")
        try await test.application().test(.router) { client in
            try await client.execute(uri: "/api/whoami-v2", method: .get, headers: [.authorization: "Bearer hf_wrongwrongwrong"]) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[HTTPField.Name("X-Error-Message")!] == "Invalid credentials in Authorization header")
            }
        }
    }

    @Test func landingPageShowsThisHubsAddress() async throws {
        try await test.application().test(.router) { client in
            try await client.execute(uri: "/", method: .get, headers: [:]) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("http://localhost"))
            }
        }
    }

    @Test func agentHarnessRegistryIsEmpty() async throws {
        try await test.application().test(.router) { client in
            try await client.execute(uri: "/api/agent-harnesses", method: .get) { response in
                #expect(String(buffer: response.body) == #"{"harnesses":{},"standardEnvVars":[]}"#)
            }
        }
    }
}
