import HubCore
import Testing

@Suite struct FormURLEncodedTests {
    func decode(_ text: String) throws -> [String] {
        try FormURLEncoded.decode(Array(text.utf8)).map { "\($0.name)=\($0.value)" }
    }

    @Test func decodesRepeatedNamesInOrder() throws {
        #expect(try decode("paths=a&paths=b%2Fc&expand=false") == ["paths=a", "paths=b/c", "expand=false"])
    }

    @Test func plusAndRawSpaceAreSpaces() throws {
        #expect(try decode("q=a+b&r=c d") == ["q=a b", "r=c d"])
    }

    @Test func keepsCharactersFoundationRefused() throws {
        #expect(try decode("name={&x=\"'<>|^`") == ["name={", "x=\"'<>|^`"])
    }

    @Test func emptyFieldsAndMissingValues() throws {
        #expect(try decode("&&a&b=&=c&") == ["a=", "b=", "=c"])
        #expect(try decode("") == [])
    }

    @Test func onlyTheFirstEqualsSignSeparates() throws {
        #expect(try decode("a=b=c") == ["a=b=c"])
    }

    @Test(arguments: ["a=%", "a=%2", "a=%zz", "%g1=b", "a=%C3%28", "a=%FF"])
    func badEscapesAndBadUTF8AreErrors(text: String) {
        #expect(throws: HubError.self) { try decode(text) }
    }

    @Test func firstValuesKeepsTheFirst() throws {
        #expect(try FormURLEncoded.firstValues(Array("a=1&a=2&b=3".utf8)) == ["a": "1", "b": "3"])
    }

    @Test func encodeEscapesEverythingButUnreservedAndSlash() {
        #expect(FormURLEncoded.encode([("q", "a b&c=d/é+?#"), ("cursor", "50")]) == "q=a%20b%26c%3Dd/%C3%A9%2B%3F%23&cursor=50")
    }

    @Test func normalizedPathKeepsValidEscapesAndEncodesTheRest() {
        #expect(FormURLEncoded.normalizedPath("/a/d{1}/%7B/%zz/é") == "/a/d%7B1%7D/%7B/%25zz/%C3%A9")
    }
}
