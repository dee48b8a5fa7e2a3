import HubCore
import Testing

@Suite struct TokenSecretTests {
    @Test func generatedTokensLookLikeTheHubs() {
        let token = TokenSecret.generate()
        #expect(token.value.hasPrefix("hf_"))
        #expect(token.value.count == 37)
        #expect(TokenSecret.generate() != token)
    }

    @Test func acceptsAnAdministratorChosenValue() throws {
        #expect(try TokenSecret("hf_enterprise_admin_token").value == "hf_enterprise_admin_token")
    }

    @Test func refusesShortToken() {
        #expect(throws: HubError.self) { try TokenSecret("short") }
    }

    @Test func refusesTokenLongerThan256Characters() {
        #expect(throws: HubError.self) { try TokenSecret(String(repeating: "a", count: 257)) }
    }

    @Test func refusesTokenWithSpace() {
        #expect(throws: HubError.self) { try TokenSecret("hf_with space") }
    }

    @Test func refusesNonASCIIToken() {
        #expect(throws: HubError.self) { try TokenSecret("hf_tökenvalue") }
    }
}
