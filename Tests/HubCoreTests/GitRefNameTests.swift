import HubCore
import Testing

@Suite struct GitRefNameTests {
    @Test(arguments: ["main", "dev/branch", "v1.0", "feature_x", "release-2026"])
    func acceptsValidRefNames(_ name: String) throws {
        #expect(try GitRefName(name).value == name)
    }

    @Test func refusesLeadingDash() {
        #expect(throws: HubError.self) { try GitRefName("-evil") }
    }

    @Test func refusesOptionLookingName() {
        #expect(throws: HubError.self) { try GitRefName("--upload-pack=touch") }
    }

    @Test func refusesDoubleDot() {
        #expect(throws: HubError.self) { try GitRefName("main..HEAD") }
    }

    @Test func refusesReflogSyntax() {
        #expect(throws: HubError.self) { try GitRefName("main@{1}") }
    }

    @Test func refusesControlCharacters() {
        #expect(throws: HubError.self) { try GitRefName("ma\u{7}in") }
    }

    @Test func refusesSpace() {
        #expect(throws: HubError.self) { try GitRefName("my branch") }
    }

    @Test func refusesLockSuffix() {
        #expect(throws: HubError.self) { try GitRefName("main.lock") }
    }

    @Test func refusesComponentStartingWithDot() {
        #expect(throws: HubError.self) { try GitRefName("a/.b") }
    }

    @Test func refusesEmptyComponent() {
        #expect(throws: HubError.self) { try GitRefName("a//b") }
    }
}
