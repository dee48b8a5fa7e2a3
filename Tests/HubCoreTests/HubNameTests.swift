import HubCore
import Testing

@Suite struct HubNameTests {
    @Test(arguments: ["bert", "bert-base-uncased", "Llama_3.1", "__ci_user__", "a", "v1.-2", "Z9_-x.y", String(repeating: "x", count: 96)])
    func acceptsValidNames(_ name: String) throws {
        #expect(try HubName(name).value == name)
    }

    @Test func refusesEmptyName() {
        #expect(throws: HubError.self) { try HubName("") }
    }

    @Test func refusesNameLongerThan96Characters() {
        #expect(throws: HubError.self) { try HubName(String(repeating: "x", count: 97)) }
    }

    @Test func refusesDoubleDash() {
        #expect(throws: HubError.self) { try HubName("a--b") }
    }

    @Test func refusesDoubleDot() {
        #expect(throws: HubError.self) { try HubName("a..b") }
    }

    @Test func refusesLeadingDash() {
        #expect(throws: HubError.self) { try HubName("-rf") }
    }

    @Test func refusesLeadingDot() {
        #expect(throws: HubError.self) { try HubName(".hidden") }
    }

    @Test func refusesTrailingDash() {
        #expect(throws: HubError.self) { try HubName("model-") }
    }

    @Test func refusesTrailingDot() {
        #expect(throws: HubError.self) { try HubName("model.") }
    }

    @Test func refusesSlash() {
        #expect(throws: HubError.self) { try HubName("a/b") }
    }

    @Test func refusesSpace() {
        #expect(throws: HubError.self) { try HubName("my model") }
    }

    @Test func refusesNonASCIILetters() {
        #expect(throws: HubError.self) { try HubName("modèle") }
    }

    @Test func refusesControlCharacters() {
        #expect(throws: HubError.self) { try HubName("a\nb") }
    }

    @Test func refusesGitSuffix() {
        #expect(throws: HubError.self) { try HubName("model.git") }
    }

    @Test func errorNamesTheRule() {
        #expect(throws: HubError.invalidName("Invalid name 'a--b': '--' and '..' are not allowed")) {
            try HubName("a--b")
        }
    }

    @Test func keyIgnoresCase() throws {
        #expect(try HubName("Alice").key == HubName("alice").key)
    }
}
