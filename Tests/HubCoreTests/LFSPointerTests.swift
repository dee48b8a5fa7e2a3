import HubCore
import Testing

@Suite struct LFSPointerTests {
    let oid = String(repeating: "ab", count: 32)

    @Test func parsesWhatGitLFSWrites() throws {
        let text = "version https://git-lfs.github.com/spec/v1\noid sha256:\(oid)\nsize 12345\n"
        let pointer = try #require(LFSPointer(parsing: Array(text.utf8)))
        #expect(pointer.oid.hex == oid)
        #expect(pointer.size == 12345)
        #expect(pointer.text == text)
    }

    @Test func refusesMissingTrailingNewline() {
        #expect(LFSPointer(parsing: Array("version https://git-lfs.github.com/spec/v1\noid sha256:\(oid)\nsize 1".utf8)) == nil)
    }

    @Test func refusesOtherVersion() {
        #expect(LFSPointer(parsing: Array("version https://example.com/v9\noid sha256:\(oid)\nsize 1\n".utf8)) == nil)
    }

    @Test func refusesUppercaseOid() {
        let text = "version https://git-lfs.github.com/spec/v1\noid sha256:\(oid.uppercased())\nsize 1\n"
        #expect(LFSPointer(parsing: Array(text.utf8)) == nil)
    }

    @Test func refusesNegativeSize() {
        #expect(LFSPointer(parsing: Array("version https://git-lfs.github.com/spec/v1\noid sha256:\(oid)\nsize -1\n".utf8)) == nil)
    }

    @Test func ordinaryFilesAreNotPointers() {
        #expect(LFSPointer(parsing: Array("hello world\n".utf8)) == nil)
        #expect(LFSPointer(parsing: [UInt8](repeating: 0xff, count: 40)) == nil)
    }

    @Test func objectIDsAreSixtyFourLowercaseHex() {
        #expect(LFSObjectID.isValid(oid))
        #expect(!LFSObjectID.isValid("../" + String(oid.dropFirst(3))))
        #expect(!LFSObjectID.isValid(String(oid.dropLast())))
        #expect(!LFSObjectID.isValid(oid.uppercased()))
    }
}
