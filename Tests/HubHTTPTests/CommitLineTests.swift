@testable import HubHTTP
import HubCore
import Testing

/// The NDJSON commit lines huggingface_hub writes, and one named test per bad line.
@Suite struct CommitLineTests {
    func parse(_ text: String) throws(HubError) -> CommitLine {
        try CommitLine(parsing: Array(text.utf8))
    }

    @Test func everyOperationHuggingFaceHubSendsIsRead() throws {
        #expect(
            try parse(#"{"key":"header","value":{"summary":"Upload","description":"d","parentCommit":null}}"#)
                == .header(summary: "Upload", description: "d", parentCommit: nil))
        #expect(
            try parse(#"{"key":"file","value":{"path":"a.txt","content":"aGk=","encoding":"base64"}}"#)
                == .file(path: "a.txt", contents: Array("hi".utf8)))
        #expect(
            try parse(#"{"key":"file","value":{"path":"a.txt","content":"hi","encoding":"utf-8"}}"#)
                == .file(path: "a.txt", contents: Array("hi".utf8)))
        #expect(
            try parse(#"{"key":"lfsFile","value":{"path":"w.bin","algo":"sha256","oid":"abc","size":12}}"#)
                == .lfsFile(path: "w.bin", oid: "abc", size: 12))
        #expect(try parse(#"{"key":"deletedFile","value":{"path":"old.txt"}}"#) == .deletedFile(path: "old.txt"))
        #expect(try parse(#"{"key":"deletedFolder","value":{"path":"logs/"}}"#) == .deletedFolder(path: "logs/"))
    }

    @Test(arguments: [
        ("not json", "JSON object with 'key' and 'value'"),
        (#"{"key":"file"}"#, "JSON object with 'key' and 'value'"),
        (#"{"key":"file","value":[]}"#, "JSON object with 'key' and 'value'"),
        (#"{"key":"file","value":{"content":"aGk="}}"#, "needs a path"),
        (#"{"key":"file","value":{"path":7,"content":"aGk="}}"#, "needs a path"),
        (#"{"key":"file","value":{"path":"a"}}"#, "no content"),
        (#"{"key":"file","value":{"path":"a","content":"%%%"}}"#, "not base64"),
        (#"{"key":"file","value":{"path":"a","content":"x","encoding":"latin-1"}}"#, "unknown encoding"),
        (#"{"key":"lfsFile","value":{"path":"a","size":1}}"#, "no oid"),
        (#"{"key":"lfsFile","value":{"path":"a","oid":"x","algo":"md5"}}"#, "only sha256"),
        (#"{"key":"renamedFile","value":{"path":"a"}}"#, "Unknown commit operation"),
    ])
    func aBadLineIsBadRequestSayingWhy(line: String, expected: String) {
        let error = #expect(throws: HubError.self) { try parse(line) }
        guard case .badRequest(let message) = error else {
            Issue.record("expected a 400, got \(String(describing: error))")
            return
        }
        #expect(message.contains(expected), "\(message)")
    }
}
