import Foundation
@testable import HubWeb
import HubCore
import Testing

/// The web upload form's body as browsers send it, and one named test per malformed body.
@Suite struct MultipartFormDataTests {
    /// The input the `multipart` fuzz target found (Fuzz/Corpus/multipart shows the real shape).
    static let fuzzCrash =
        "LSxmdXouDQpDb250ZW50by46IGZvcm0tZGF0YTsgbmFtZT0iY3NyZiINCg0KdG9rZW4NCi0tZnV6eg0KQ29udGVudC1EaXNwb5aWi5aQkcXfZm9yaXRpb246IGZvcm0tZGF0YTsgbmFtZT0iZmlsZSI7IGZpbGVuYW1lPSJhLnR4dCINCkNvbnRlbnQtVHlwfjogdGV4dC9wbGFpbg2FDQpoZWxsbw0KLS1mdXp6LS0NCg=="

    func parse(_ text: String, boundary: String = "----WebKitFormBoundary7MA4YWxkTrZu0gW") throws(HubError) -> [MultipartFormData.Part] {
        try MultipartFormData(parsing: Array(text.utf8), boundary: boundary).parts
    }

    @Test func aBrowsersUploadIsReadPartByPart() throws {
        let body = [
            "------WebKitFormBoundary7MA4YWxkTrZu0gW",
            #"Content-Disposition: form-data; name="csrf""#,
            "",
            "token",
            "------WebKitFormBoundary7MA4YWxkTrZu0gW",
            #"Content-Disposition: form-data; name="files"; filename="Grüße; \"x\".txt""#,
            "Content-Type: text/plain",
            "",
            "line one\r\nline two",
            "------WebKitFormBoundary7MA4YWxkTrZu0gW",
            #"Content-Disposition: form-data; name="files"; filename="""#,
            "Content-Type: application/octet-stream",
            "",
            "",
            "------WebKitFormBoundary7MA4YWxkTrZu0gW--",
            "",
        ].joined(separator: "\r\n")
        let parts = try parse(body)
        #expect(parts.count == 3)
        #expect(parts[0].name == "csrf" && parts[0].filename == nil && Array(parts[0].bytes) == Array("token".utf8))
        #expect(parts[1].filename == #"Grüße; "x".txt"#)
        #expect(Array(parts[1].bytes) == Array("line one\r\nline two".utf8))
        #expect(parts[2].filename == "" && parts[2].bytes.isEmpty)
    }

    @Test func aPreambleAndAnEpilogueAreIgnored() throws {
        let parts = try parse("preamble\r\n--b\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--b--\r\nepilogue", boundary: "b")
        #expect(parts.count == 1 && parts[0].name == "a" && Array(parts[0].bytes) == [0x31])
    }

    @Test(arguments: [
        ("the input the fuzzer found", Self.fuzzCrash, "fuzz"),
        ("no delimiter at all", Data("just text".utf8).base64EncodedString(), "b"),
        ("no closing delimiter", Data("--b\r\nContent-Disposition: form-data; name=a\r\n\r\nvalue".utf8).base64EncodedString(), "b"),
        ("headers never end", Data("--b\r\nContent-Disposition: form-data; name=a".utf8).base64EncodedString(), "b"),
        ("a header without a colon", Data("--b\r\nnot a header\r\n\r\nx\r\n--b--".utf8).base64EncodedString(), "b"),
        ("a non-ASCII header name", Data("--b\r\nNäme: x\r\n\r\nx\r\n--b--".utf8).base64EncodedString(), "b"),
        ("text after the delimiter", Data("--bjunk\r\n\r\nx\r\n--b--".utf8).base64EncodedString(), "b"),
        ("a boundary with a quote", Data("--a\"b\r\n\r\nx\r\n--a\"b--".utf8).base64EncodedString(), "a\"b"),
        ("an empty boundary", Data("--\r\n\r\nx\r\n----".utf8).base64EncodedString(), ""),
    ])
    func aMalformedBodyIsBadRequest(_ what: String, base64: String, boundary: String) throws {
        let body = Array(try #require(Data(base64Encoded: base64)))
        let error = #expect(throws: HubError.self, "\(what)") {
            try MultipartFormData(parsing: body, boundary: boundary)
        }
        guard case .badRequest = error else {
            Issue.record("\(what): expected a 400, got \(String(describing: error))")
            return
        }
    }

    @Test func tooManyHeadersInOnePartAreRefused() {
        let headers = String(repeating: "X-A: b\r\n", count: 100)
        #expect(throws: HubError.self) { try parse("--b\r\n\(headers)\r\nx\r\n--b--", boundary: "b") }
    }
}
