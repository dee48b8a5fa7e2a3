import Testing

@testable import HubS3

@Suite struct S3XMLTests {
    @Test func readsTheFieldsOfAListing() {
        let xml = S3XML(bytes: Array("""
            <?xml version="1.0" encoding="UTF-8"?>
            <ListBucketResult><IsTruncated>true</IsTruncated>
            <Contents><Key>a&amp;b</Key><Size>5</Size><LastModified>2026-12-01T00:00:00.000Z</LastModified></Contents>
            <Contents><Key>c</Key><Size>7</Size></Contents>
            <NextContinuationToken>tok</NextContinuationToken></ListBucketResult>
            """.utf8))
        #expect(xml.first("IsTruncated") == "true")
        #expect(xml.blocks("Contents").map { $0.first("Key") } == ["a&b", "c"])
        #expect(xml.blocks("Contents").map { $0.first("Size") } == ["5", "7"])
        #expect(xml.first("NextContinuationToken") == "tok")
    }

    @Test func anErrorDocumentGivesItsCodeAndMessage() {
        let error = S3Error(
            operation: "PUT k", status: 403,
            body: Array("<Error><Code>SignatureDoesNotMatch</Code><Message>no &lt;match&gt;</Message></Error>".utf8))
        #expect(error.code == "SignatureDoesNotMatch")
        #expect(error.message == "no <match>")
    }

    @Test func anythingElseGivesNothingAndNeverTraps() {
        for text in ["", "<", "<Code>", "<Code>x", "</Code><Code>", "\u{0}\u{FFFF}<Key></Key>", String(repeating: "<a>", count: 1000)] {
            let xml = S3XML(bytes: Array(text.utf8))
            _ = xml.first("Code")
            _ = xml.blocks("Contents")
        }
        #expect(S3XML(bytes: Array("<Key></Key>".utf8)).first("Key") == "")
        #expect(S3XML(bytes: Array("<Code>x".utf8)).first("Code") == nil)
    }
}
