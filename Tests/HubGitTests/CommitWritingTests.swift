import Foundation
import HubCore
import HubGit
import HubTesting
import Testing

@Suite struct CommitWritingTests {
    let directory: TemporaryDirectory
    let repository: GitRepository
    let root: String
    let author = GitSignature(name: "alice", email: "alice@example.com", date: Date(timeIntervalSince1970: 1_700_000_000))

    init() throws {
        directory = try TemporaryDirectory()
        let storage = RepositoryStorage(dataDirectory: directory.url)
        let prepared = try storage.prepare(
            files: [(".gitattributes", Array("*.bin filter=lfs\n".utf8))], message: "initial commit", author: author,
            branch: "main")
        repository = try GitRepository.open(at: prepared.location)
        root = prepared.commit
    }

    func blob(_ text: String) throws -> String {
        try Array(text.utf8).withUnsafeBytes { try repository.writeBlob($0) }
    }

    func commit(_ changes: [GitTreeChange], on parent: String) throws -> String {
        try #require(try repository.createCommit(parent: parent, changes: changes, message: "m", author: author)).commit
    }

    @Test func upsertsNestedPathsAndRemovesFolders() throws {
        let first = try commit(
            [.upsert(path: "a/b/c.txt", blobID: try blob("c")), .upsert(path: "a/d.txt", blobID: try blob("d"))], on: root)
        #expect(try repository.entry(at: "a/b/c.txt", inCommit: first)?.kind == .blob)
        let second = try commit([.remove(path: "a/b")], on: first)
        #expect(try repository.entry(at: "a/b/c.txt", inCommit: second) == nil)
        #expect(try repository.entry(at: "a/d.txt", inCommit: second)?.kind == .blob)
        let third = try commit([.remove(path: "a/d.txt")], on: second)
        // A folder left empty disappears, as in git.
        #expect(try repository.entry(at: "a", inCommit: third) == nil)
    }

    @Test func fileWhereAFolderIsIsRefused() throws {
        let first = try commit([.upsert(path: "a/b.txt", blobID: try blob("x"))], on: root)
        #expect(try repository.createCommit(parent: first, changes: [.upsert(path: "a", blobID: try blob("y"))], message: "m", author: author) == nil)
    }

    @Test func refMovesOnlyFromTheExpectedCommit() throws {
        let first = try commit([.upsert(path: "x.txt", blobID: try blob("1"))], on: root)
        let second = try commit([.upsert(path: "y.txt", blobID: try blob("2"))], on: root)
        #expect(try repository.moveRef("refs/heads/main", to: first, expecting: root, message: "m"))
        // The second writer started from the same base: it loses, and main keeps the first commit.
        #expect(try repository.moveRef("refs/heads/main", to: second, expecting: root, message: "m") == false)
        #expect(try repository.commit(atRef: "refs/heads/main")?.id == first)
        #expect(try repository.moveRef("refs/heads/new", to: second, expecting: nil, message: "m"))
        #expect(try repository.moveRef("refs/heads/new", to: first, expecting: nil, message: "m") == false)
    }
}
