import Foundation
import HubCore
import HubGit
import HubTesting
import Testing

@Suite struct CommitWritingTests {
    let git: GitTestRepository

    init() throws {
        git = try GitTestRepository()
    }


    @Test func upsertsNestedPathsAndRemovesFolders() throws {
        let first = try git.commit(
            [.upsert(path: "a/b/c.txt", blobID: try git.blob("c")), .upsert(path: "a/d.txt", blobID: try git.blob("d"))], on: git.root)
        #expect(try git.repository.entry(at: "a/b/c.txt", inCommit: first)?.kind == .blob)
        let second = try git.commit([.remove(path: "a/b")], on: first)
        #expect(try git.repository.entry(at: "a/b/c.txt", inCommit: second) == nil)
        #expect(try git.repository.entry(at: "a/d.txt", inCommit: second)?.kind == .blob)
        let third = try git.commit([.remove(path: "a/d.txt")], on: second)
        // A folder left empty disappears, as in git.
        #expect(try git.repository.entry(at: "a", inCommit: third) == nil)
    }

    @Test func fileWhereAFolderIsIsRefused() throws {
        let first = try git.commit([.upsert(path: "a/b.txt", blobID: try git.blob("x"))], on: git.root)
        #expect(try git.repository.createCommit(parent: first, changes: [.upsert(path: "a", blobID: try git.blob("y"))], message: "m", author: git.author) == nil)
    }

    @Test func refMovesOnlyFromTheExpectedCommit() throws {
        let first = try git.commit([.upsert(path: "x.txt", blobID: try git.blob("1"))], on: git.root)
        let second = try git.commit([.upsert(path: "y.txt", blobID: try git.blob("2"))], on: git.root)
        #expect(try git.repository.moveRef("refs/heads/main", to: first, expecting: git.root, message: "m"))
        // The second writer started from the same base: it loses, and main keeps the first commit.
        #expect(try git.repository.moveRef("refs/heads/main", to: second, expecting: git.root, message: "m") == false)
        #expect(try git.repository.commit(atRef: "refs/heads/main")?.id == first)
        #expect(try git.repository.moveRef("refs/heads/new", to: second, expecting: nil, message: "m"))
        #expect(try git.repository.moveRef("refs/heads/new", to: first, expecting: nil, message: "m") == false)
    }
}
